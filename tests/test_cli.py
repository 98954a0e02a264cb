"""The command line, tried as a new user would: one clear message, no stack trace."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXE = str(Path(sys.executable).parent / "salesmeasure")


def run(*args, cwd=None):
    return subprocess.run([EXE, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture()
def copy_of_sample(tmp_path, sample_dir):
    d = tmp_path / "data"
    shutil.copytree(sample_dir, d)
    return d


def test_sample_data_command_writes_tables_and_truth(tmp_path):
    r = run(
        "sample-data",
        "--out",
        str(tmp_path / "s"),
        "--seed",
        "5",
        "--customers",
        "120",
        "--no-defects",
    )
    assert r.returncode == 0, r.stderr
    assert "120 customers" in r.stdout
    names = sorted(p.name for p in (tmp_path / "s").iterdir())
    assert names == sorted(
        [
            "customers.csv",
            "orders.csv",
            "reps.csv",
            "targets.csv",
            "surveys.csv",
            "complaints.csv",
            "generator.json",
        ]
    )
    v = run("validate", str(tmp_path / "s"))
    assert v.returncode == 0, v.stdout + v.stderr  # no defects injected: clean
    assert "OK: every row passed validation" in v.stdout


def test_validate_sample_exits_1_and_writes_the_quarantine_csv(tmp_path, sample_dir):
    out = tmp_path / "rej.csv"
    r = run("validate", str(sample_dir), "--rejected", str(out))
    assert r.returncode == 1
    assert "negative amount" in r.stdout and str(out) in r.stdout
    assert out.exists() and out.read_text().startswith("table,file,row,column,value,reason,record")


def _assert_one_clear_error(r, *fragments):
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr + r.stdout
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    for f in fragments:
        assert f in lines[0]


def test_typo_in_a_column_name(copy_of_sample):
    p = copy_of_sample / "customers.csv"
    p.write_text(p.read_text().replace("signup_date", "sign_up_date", 1))
    _assert_one_clear_error(
        run("validate", str(copy_of_sample)), "customers.csv", "'signup_date'", "sign_up_date"
    )


def test_text_in_a_number_column_is_quarantined_not_fatal(copy_of_sample, tmp_path):
    p = copy_of_sample / "orders.csv"
    lines = p.read_text().splitlines()
    cells = lines[5].split(",")
    cells[3] = "twelve"
    lines[5] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n")
    r = run("validate", str(copy_of_sample), "--rejected", str(tmp_path / "r.csv"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "not a number" in r.stdout
    rej = (tmp_path / "r.csv").read_text()
    assert ",5,amount,twelve,not a number," in rej


def test_empty_file(copy_of_sample):
    (copy_of_sample / "targets.csv").write_text("")
    _assert_one_clear_error(run("validate", str(copy_of_sample)), "targets.csv", "empty")


def test_missing_directory():
    _assert_one_clear_error(run("validate", "/nonexistent/dir"), "no such data directory")


def test_bad_format_option(tmp_path):
    _assert_one_clear_error(
        run("sample-data", "--out", str(tmp_path), "--format", "xlsx"), "--format"
    )


def test_version():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("salesmeasure ")


# ------------------------------------------------------------------ render: batch edges


@pytest.mark.parametrize("kind", ["a file", "inside a file", "unwritable"])
def test_render_out_that_cannot_hold_reports_is_one_line_and_exit_2(tmp_path, sample_dir, kind):
    import os

    a_file = tmp_path / "reports.txt"
    a_file.write_text("not a folder")
    out = {
        "a file": a_file,
        "inside a file": a_file / "reports",
        # root writes anywhere a mode allows nothing; /proc refuses new folders to anyone
        "unwritable": Path("/proc/salesmeasure-test") if os.geteuid() == 0 else Path("/"),
    }[kind]
    r = run("render", "--period", "2026Q3", "--data", str(sample_dir), "--out", str(out))
    assert r.returncode == 2, r.stdout + r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: --out {out}"), r.stderr
    assert "Traceback" not in r.stdout + r.stderr


def _slow_notebooks(d: Path) -> Path:
    """Three notebooks: one quick, two that sleep 300 s after touching ``<name>.started``
    in ``d`` (the sign that their kernel is up and running them)."""
    import nbformat

    d.mkdir()
    params = 'period: str = "2026Q3"  # p\nregion: str = "all"  # r\ndata_path: str = ""  # d'
    slow = "import pathlib, time\npathlib.Path({!r}).touch()\ntime.sleep(300)"
    for name, code in [
        ("a_quick", "x = 1"),
        ("b_slow", slow.format(str(d / "b_slow.started"))),
        ("c_slow", slow.format(str(d / "c_slow.started"))),
    ]:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "P", "language": "python"}
        nb.cells = [
            nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
            nbformat.v4.new_markdown_cell(f"# {name}"),
            nbformat.v4.new_code_cell(code),
        ]
        nbformat.write(nb, d / f"{name}.ipynb")
    return d


@pytest.mark.slow
@pytest.mark.parametrize("target", ["main process", "process group"])
def test_ctrl_c_stops_within_seconds_kills_kernels_and_browser_and_indexes_what_finished(
    tmp_path, sample_dir, target
):
    import time

    from salesmeasure.render.pdf import find_chromium

    nbs = _slow_notebooks(tmp_path / "nbs")
    out = tmp_path / "out"
    fmt = "html,pdf" if find_chromium() else "html"  # the browser must be killed too
    cmd = [EXE, "render", "--period", "2026Q3", "--regions", "North", "--data", str(sample_dir)]
    cmd += ["--notebooks-dir", str(nbs), "--out", str(out), "--formats", fmt, "--no-progress"]
    cmd += ["--jobs", "2"]  # both slow reports running when Ctrl-C comes, each in a kernel
    from interrupt import Run

    run = Run(cmd, tmp_path / "run")
    try:
        # Wait for real progress, not a fixed time: on a cold machine starting the kernels
        # (imports, caches) and the browser takes minutes. Bounded: 10 minutes at most.
        done = out / "2026Q3" / "north" / f"a_quick.{fmt.split(',')[-1]}"
        signs = [done, nbs / "b_slow.started", nbs / "c_slow.started"]
        deadline = time.monotonic() + 600
        while not all(f.exists() for f in signs) and time.monotonic() < deadline:
            if not run.alive():
                break
            time.sleep(0.2)
        assert done.exists(), "the quick report never finished\n" + "\n".join(run.output())
        assert all(f.exists() for f in signs), "the slow reports never started running"
        started = run.descendants()
        names = {c.name() for c in started}
        assert any("python" in n for n in names), names
        seconds = run.interrupt(group=target != "main process", timeout=120)
        stdout, stderr = run.output()
        assert run.p.returncode == 130, stdout + stderr
        assert seconds < 8, f"took {seconds:.1f} s to stop"
        left = run.leftovers(started)
        assert not left, f"still running: {left}"
    finally:
        run.close()
    assert "Interrupted: 1 of 3 reports" in stdout
    assert "To resume, run the same command again: salesmeasure render --period 2026Q3" in stdout
    assert "Traceback" not in stdout + stderr
    index = (out / "2026Q3" / "index.html").read_text()
    assert 'href="north/a_quick.html"' in index and "not rendered" in index
