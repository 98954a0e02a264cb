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
