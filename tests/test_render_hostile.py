"""`salesmeasure render` tried as a careless or hostile user would (issue 23).

Two renders into one ``--out`` at once, a database password on the command line, a full
disk, a ``salesmeasure.toml`` kept elsewhere, a far-future ``--period`` or an out-of-range
``--param``, a browser closed under the PDF exporter, and a failing report among good
ones. Each goes through the real command: a subprocess of the ``salesmeasure`` executable,
or, where a disk must fill up on cue, the same Typer app in this process with the one
function that writes bytes replaced.

The data is the small generated set of the contract suite (300 customers, five regions),
the notebooks are one-cell reports written here, and every render is HTML only but the
PDF test's.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from pgcluster import pg_cluster_fixture, pg_sample_fixture  # noqa: F401

from salesmeasure.render import guard, store
from salesmeasure.render.pdf import find_chromium

EXE = str(Path(sys.executable).parent / "salesmeasure")
CHROMIUM = find_chromium()
PERIOD = "2026Q3"
PARAMS = (
    'period: str = "2026Q3"  # quarter to report\n'
    'region: str = "all"  # region or all\n'
    'data_path: str = ""  # data directory'
)
REPORT = (
    "from salesmeasure.report import load_cached\n"
    "view = load_cached(data_path).slice(period=period, region=region)\n"
    "print(f\"{len(view.in_period('orders'))} orders in {period}\")"
)


def notebook(d: Path, name: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(PARAMS, metadata={"tags": ["parameters"]})]
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# {name}"))
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    d.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, d / f"{name}.ipynb")
    return d / f"{name}.ipynb"


@pytest.fixture(scope="module")
def small_data(tmp_path_factory) -> Path:
    from contract import shapes

    return shapes.base(tmp_path_factory.mktemp("small") / "data")


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("nbs")
    notebook(d, "a_first", REPORT)
    notebook(d, "b_second", REPORT)
    return d


def render_args(data: Path, nbs: Path, out: Path, *extra: str) -> list[str]:
    return [
        "render", "--period", PERIOD, "--regions", "North", "--data", str(data),
        "--notebooks-dir", str(nbs), "--out", str(out), "--formats", "html", "--no-progress",
        "--jobs", "1", *extra,
    ]  # fmt: skip


def run(*args: str, timeout: float = 300, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=timeout, env=env)


def one_error_line(r) -> str:
    """The one ``error: ...`` line of a subprocess run or an in-process invocation."""
    err = r.stderr if isinstance(r, subprocess.CompletedProcess) else r.output
    assert "Traceback" not in r.stdout + err, err
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def invoke(args: list[str]):
    """The real command in this process (so a test can fill the disk on cue)."""
    from typer.testing import CliRunner

    from salesmeasure.cli import app

    return CliRunner().invoke(app, args, catch_exceptions=False)


# ------------------------------------------------------------------ 1. one batch per --out


@pytest.mark.slow  # two real renders: make test, not make test-fast (its 3 minutes, issue 23)
def test_second_render_into_a_busy_out_exits_2_at_once_naming_the_holder(tmp_path, small_data):
    flag = tmp_path / "go"
    nbs = tmp_path / "nbs"
    notebook(
        nbs,
        "a_waits",
        "import pathlib, time\n"
        f"while not pathlib.Path({str(flag)!r}).exists():\n"
        "    time.sleep(0.1)",
    )
    out = tmp_path / "out"
    first = subprocess.Popen(
        [EXE, *render_args(small_data, nbs, out, "--cell-timeout", "120")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lock = out / guard.LOCK_FILE
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and first.poll() is None:
            if lock.exists() and lock.read_text().strip():
                break
            time.sleep(0.1)
        holder = json.loads(lock.read_text())
        assert holder["pid"] == first.pid
        t0 = time.monotonic()
        second = run(*render_args(small_data, nbs, out))
        seconds = time.monotonic() - t0
        flag.write_text("")
        stdout, stderr = first.communicate(timeout=240)
    finally:
        flag.write_text("")
        if first.poll() is None:
            first.kill()
    assert second.returncode == 2, second.stdout + second.stderr
    line = one_error_line(second)
    assert f"--out {out.resolve()} is in use by another salesmeasure render" in line
    assert f"PID {first.pid}" in line and f"started {holder['started']}" in line
    assert seconds < 60  # no data loaded, no kernel started: the start-up of Python only
    assert not (out / PERIOD / "north" / "a_waits.json").exists() or first.returncode == 0
    assert first.returncode == 0, stdout + stderr  # the first batch was not disturbed
    assert "1 rendered" in stdout
    assert not lock.exists()  # released when the batch ends


def test_a_lock_left_by_a_process_that_is_gone_is_taken_over(tmp_path, small_data, two_reports):
    out = tmp_path / "out"
    out.mkdir()
    lock = out / guard.LOCK_FILE
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead_pid = int(gone.stdout)
    lock.write_text(json.dumps({"pid": dead_pid, "host": os.uname().nodename, "started": "x"}))
    # an orphan (say a kernel of the dead batch) still holds the flock on that file
    orphan = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({str(lock)!r}, os.O_RDWR)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "time.sleep(300)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert orphan.stdout.readline().strip() == "locked"
        r = invoke(render_args(small_data, two_reports, out, "--notebooks", "a_first"))
    finally:
        orphan.kill()
        orphan.wait()
    assert r.exit_code == 0, r.output
    assert "1 rendered" in r.output and "Traceback" not in r.output
    assert (out / PERIOD / "north" / "a_first.html").exists()


# ------------------------------------------------------------------ 2. passwords masked


def test_mask_secrets_hides_url_and_query_passwords_and_the_kernels_password(monkeypatch):
    monkeypatch.setenv("SALESMEASURE_DB_PASSWORD", "Pw-7x!q#tr@ck/Z")
    text = (
        "salesmeasure render --data 'postgresql://ann:s3cr%40t@db:5432/sales' "
        "mysql://bob:p@ss:w/rd@10.0.0.1/x?sslmode=require&password=hunter2 "
        "and a log line: password Pw-7x!q#tr@ck/Z or Pw-7x%21q%23tr%40ck%2FZ"
    )
    masked = guard.mask_secrets(text)
    assert "postgresql://ann:***@db:5432/sales" in masked
    assert "mysql://bob:***@10.0.0.1/x?sslmode=require&password=***" in masked
    for secret in ("s3cr", "hunter2", "p@ss", "Pw-7x", "%21q"):
        assert secret not in masked, masked
    # nothing else changes: URLs without a password, paths, words
    plain = "sqlite:////tmp/sales.db, postgresql://ann@db/sales, /home/ann/data, 12:30"
    assert guard.mask_secrets(plain) == plain


def test_resume_line_masks_the_database_password(monkeypatch):
    from salesmeasure import cli

    argv = ["salesmeasure", "render", "--data", "postgresql://ann:s3cret@db.example.com/sales"]
    monkeypatch.setattr(sys, "argv", argv)
    line = cli._resume_command()
    assert line == "salesmeasure render --data 'postgresql://ann:***@db.example.com/sales'"


def test_render_error_lines_never_show_a_database_password(tmp_path):
    url = "postgresql://ann:s3cr3t-pw@127.0.0.1:1/sales"
    r = invoke(["render", "--data", url, "--out", str(tmp_path / "out"), "--formats", "html"])
    assert r.exit_code == 2
    line = one_error_line(r)
    assert "s3cr3t-pw" not in r.output and "127.0.0.1" in line


@pytest.mark.slow
def test_ctrl_c_resume_line_over_a_database_masks_its_password(tmp_path, pg_sample):
    from pgcluster import READER_PASSWORD

    url = pg_sample.url(password=READER_PASSWORD)
    nbs = tmp_path / "nbs"
    notebook(nbs, "a_quick", "x = 1")
    notebook(nbs, "b_slow", "import time\ntime.sleep(300)")
    out = tmp_path / "out"
    args = render_args(Path("unused"), nbs, out)
    args[args.index("--data") + 1] = url
    from interrupt import Run

    run = Run([EXE, *args], tmp_path / "run")
    try:
        done = out / PERIOD / "north" / "a_quick.html"
        deadline = time.monotonic() + 240
        while not done.exists() and time.monotonic() < deadline and run.alive():
            time.sleep(0.2)
        assert done.exists(), "\n".join(run.output()) if not run.alive() else "never finished"
        time.sleep(1.0)
        run.interrupt(timeout=60)
        stdout, stderr = run.output()
        assert run.p.returncode == 130, stdout + stderr
    finally:
        run.close()
    assert "To resume, run the same command again: salesmeasure render" in stdout
    assert ":***@127.0.0.1" in stdout and "put the password back" in stdout
    written = "".join(
        f.read_text(errors="replace") for f in out.rglob("*") if f.is_file()
    )  # index, records, log and notebooks
    for shown in (stdout, stderr, written):
        assert READER_PASSWORD not in shown
        assert "Pw-7x%21q" not in shown


# ------------------------------------------------------------------ 3. a full disk


def full_disk(monkeypatch, *, when):
    """Make every write of a file whose name ``when(path)`` accepts fail with ENOSPC."""
    real = store._write_file

    def write(fh, data, path):
        if when(Path(path)):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fh, data, path)

    monkeypatch.setattr(store, "_write_file", write)


def test_full_disk_fails_the_report_in_words_stops_and_still_writes_the_index(
    tmp_path, small_data, two_reports, monkeypatch
):
    out = tmp_path / "out"
    full_disk(monkeypatch, when=lambda p: p.name == "a_first.html")
    r = invoke(render_args(small_data, two_reports, out))
    text = r.output
    assert r.exit_code == 1, text
    assert "Traceback" not in text
    html = out / PERIOD / "north" / "a_first.html"
    assert f"FAILED north/a_first: no space left on device while writing {html}" in text
    assert "Stopped: no space left on device" in text and "1 of 2 reports were not rendered" in text
    index = (out / PERIOD / "index.html").read_text()
    assert "no space left on device while writing" in index
    assert f"Index: {out / PERIOD / 'index.html'}" in text
    assert not list(out.rglob(".*.tmp"))  # no half-written temporary file left
    rec = json.loads((out / PERIOD / "north" / "a_first.json").read_text())
    assert rec["status"] == "failed" and not html.exists()


@pytest.fixture(scope="module")
def finished_out(tmp_path_factory, small_data, two_reports) -> Path:
    """An ``--out`` where ``a_first`` was rendered (executed once for the module)."""
    out = tmp_path_factory.mktemp("finished") / "out"
    r = invoke(render_args(small_data, two_reports, out, "--notebooks", "a_first"))
    assert r.exit_code == 0, r.output
    return out


def test_full_disk_everywhere_says_the_index_could_not_be_written(
    tmp_path, small_data, two_reports, finished_out, monkeypatch
):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(finished_out, out)
    html = out / PERIOD / "north" / "a_first.html"
    html.unlink()  # executed before, its export is missing: exported again, no kernel
    full_disk(monkeypatch, when=lambda p: True)
    r = invoke(render_args(small_data, two_reports, out, "--notebooks", "a_first"))
    text = r.output
    assert r.exit_code == 1, text
    assert "Traceback" not in text
    assert f"FAILED north/a_first: no space left on device while writing {html}" in text
    assert "The index could not be written: no space left on device while writing" in text
    assert "Index: " not in text
    assert not list(out.rglob(".*.tmp"))


@pytest.mark.slow
def test_a_write_error_fails_that_report_only_and_the_batch_goes_on(
    tmp_path, small_data, two_reports, monkeypatch
):
    out = tmp_path / "out"
    real = store._write_file

    def write(fh, data, path):
        if Path(path).name == "a_first.html":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real(fh, data, path)

    monkeypatch.setattr(store, "_write_file", write)
    r = invoke(render_args(small_data, two_reports, out))
    assert r.exit_code == 1, r.output
    assert "1 rendered, 0 unchanged (cached), 1 failed" in r.output
    assert "FAILED north/a_first: permission denied while writing" in r.output
    assert (out / PERIOD / "north" / "b_second.html").exists()
    assert "Stopped" not in r.output


@pytest.mark.slow
def test_a_failing_report_never_takes_the_rest_of_the_batch_down(tmp_path, small_data):
    nbs = tmp_path / "nbs"
    notebook(nbs, "a_breaks", REPORT, "raise KeyError('clv')")
    notebook(nbs, "b_fine", REPORT)
    notebook(nbs, "c_kernel_dies", "import os\nos._exit(1)")
    notebook(nbs, "d_fine", REPORT)
    out = tmp_path / "out"
    r = run(*render_args(small_data, nbs, out, "--jobs", "2"))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "2 rendered, 0 unchanged (cached), 2 failed" in r.stdout
    for name in ("b_fine", "d_fine"):
        assert (out / PERIOD / "north" / f"{name}.html").exists()
    assert "Traceback" not in r.stdout + r.stderr


# ------------------------------------------------------------------ 4. --config elsewhere


@pytest.mark.slow  # a real render: make test, not make test-fast (its 3 minutes, issue 23)
def test_config_elsewhere_is_used_by_the_batch_and_by_every_kernel(tmp_path, small_data):
    import shutil

    data = tmp_path / "export"
    shutil.copytree(small_data, data)
    orders = data / "orders.csv"
    orders.write_text(orders.read_text().replace(",amount,", ",net_value,", 1))
    config = tmp_path / "elsewhere" / "salesmeasure.toml"
    config.parent.mkdir()
    config.write_text('[tables.orders.columns]\namount = "net_value"\n')
    nbs = tmp_path / "nbs"
    # the kernel reads the source itself (not the batch's snapshot): it needs the config too
    notebook(
        nbs,
        "a_reads_source",
        "from salesmeasure.data import load\n"
        "ds = load(data_path)\n"
        "print(f\"revenue column: {'amount' in ds.orders}, rows {len(ds.orders)}\")",
    )
    out = tmp_path / "out"
    without = invoke(render_args(data, nbs, out))
    assert without.exit_code == 2
    assert "amount" in one_error_line(without)
    r = run(*render_args(data, nbs, out, "--config", str(config)))
    assert r.returncode == 0, r.stdout + r.stderr
    html = (out / PERIOD / "north" / "a_reads_source.html").read_text()
    assert "revenue column: True" in html
    missing = invoke(render_args(data, nbs, out, "--config", str(tmp_path / "nope.toml")))
    assert missing.exit_code == 2
    assert "nope.toml: no such configuration file" in one_error_line(missing)


# ------------------------------------------------------------------ 5. refused up front


def test_a_period_after_the_data_ends_exits_2_naming_the_data_range(tmp_path, small_data):
    out = tmp_path / "out"
    r = invoke(["render", "--period", "2099Q1", "--data", str(small_data), "--out", str(out),
                "--formats", "html", "--no-progress"])  # fmt: skip
    assert r.exit_code == 2, r.output
    line = one_error_line(r)
    assert "--period 2099Q1 starts 2099-01-01, after the data ends" in line
    assert "2026-11-15" in line and "choose a period up to 2026Q4" in line
    assert not (out / "2099Q1").exists()


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        ("clv_months=-3", "--param clv_months=-3 (00_executive_summary): must be a positive"),
        ("discount_rate=7", "--param discount_rate=7 (00_executive_summary): must be between 0"),
        ("discount_rate=abc", "--param discount_rate=abc (00_executive_summary): must be a num"),
        ("confidence=nan", "--param confidence=nan (02_satisfaction_survey): must be a number"),
        ("history_weight=1.5", "--param history_weight=1.5 (01_target_setting): must be betw"),
        ("attainability=1", "--param attainability=1 (01_target_setting): must be strictly"),
    ],
)
def test_an_out_of_range_param_exits_2_before_any_kernel_starts(tmp_path, param, expected):
    out = tmp_path / "out"
    r = invoke(["render", "--param", param, "--out", str(out), "--formats", "html"])
    assert r.exit_code == 2, r.output
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: " + expected), r.output
    assert not list(out.rglob("render.log"))  # no worker, no kernel


# ------------------------------------------------------------------ 6. a closed browser


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium")
@pytest.mark.slow  # a browser started three times: make test, not make test-fast (its 3 minutes, issue 23)
def test_pdf_printer_restarts_a_browser_closed_or_killed_under_it(tmp_path):
    import psutil

    from salesmeasure.render.pdf import PdfPrinter

    page = tmp_path / "r.html"
    page.write_text("<html><body><h1>Report</h1><p>Revenue 1.2m</p></body></html>")
    with PdfPrinter(CHROMIUM) as printer:
        printer.print(page, tmp_path / "1.pdf")
        printer._browser.close()  # as after a Ctrl-C the browser saw
        printer.print(page, tmp_path / "2.pdf")
        printer._page.close()  # a crashed tab
        printer.print(page, tmp_path / "3.pdf")
        browsers = [
            p for p in psutil.Process().children(recursive=True) if "chrom" in p.name().lower()
        ]
        assert browsers
        for p in browsers:  # killed (out of memory, a signal to the group)
            p.kill()
        psutil.wait_procs(browsers, timeout=5)
        printer.print(page, tmp_path / "4.pdf")
        drivers = [  # Playwright's driver (as after a Ctrl-C to the process group)
            p for p in psutil.Process().children() if "playwright" in " ".join(p.cmdline())
        ]
        assert drivers
        for p in drivers:
            for c in p.children(recursive=True):
                c.kill()
            p.kill()
        psutil.wait_procs(drivers, timeout=5)
        printer.print(page, tmp_path / "5.pdf")
    for n in range(1, 6):
        assert (tmp_path / f"{n}.pdf").read_bytes().startswith(b"%PDF")
