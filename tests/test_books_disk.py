"""One disk cache of the pack's books, shared by the batch and a JupyterLab kernel (issue 18).

Two separate processes on the sample data and the same cache folder: the first computes
what a batch computes (the all-regions and North reports' company models), the second is
a lab kernel run with ``region = "North"``. The second must show the same numbers, bit
for bit, and compute nothing: every company result is read from the cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from salesmeasure import books

ROOT = Path(__file__).resolve().parents[1]

# One process: the report contexts of the given regions, the company results a report
# slices (customer value, target allocation, key drivers), a digest of every figure of
# North's slice, and how many results the process computed and read from disk.
SCRIPT = textwrap.dedent(
    """
    import hashlib, json, sys
    import pandas as pd
    from salesmeasure import books, report, survey, targets
    from salesmeasure.clv.analysis import build as clv_build

    def digest(df):
        return hashlib.sha256(
            pd.util.hash_pandas_object(df.reset_index(), index=False).to_numpy().tobytes()
        ).hexdigest()

    out = {}
    for region in sys.argv[1].split(","):
        ctx = report.prepare(period="2026Q3", region=region, data_path=sys.argv[2])
        kd = survey.build(ctx).drivers
        value = clv_build(ctx).value
        props = targets.build(ctx).proposals
        out[region] = {
            "drivers": digest(kd.table),
            "importance": [float(x) for x in kd.table["weight"]],
            "mean": [float(x) for x in kd.table["mean"]],
            "value": digest(value.values),
            "value_total": float(value.values["clv"].sum()),
            "targets": digest(props.smart[["level", "owner", "amount", "p_attain"]]),
        }
    out["counts"] = {k: dict(v) for k, v in books.COUNTS.items()}
    print(json.dumps(out))
    """
)


def run(regions: str, cache: Path) -> dict:
    env = {**os.environ, books.CACHE_ENV: str(cache)}
    env.pop("SALESMEASURE_SNAPSHOT", None)  # not in a batch: only the disk cache is shared
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "lib"), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, regions, str(ROOT / "data" / "sample")],
        capture_output=True, text=True, timeout=1200, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_a_lab_kernel_shows_the_batchs_numbers_and_computes_nothing(tmp_path):
    cache = tmp_path / "cache"
    batch = run("all,North", cache)
    assert batch["counts"]["computed"] == {
        "key_drivers": 2,  # the company's model, and North's as a second opinion
        "customer_value": 1,  # the company's customers, valued once for both reports
        "company_targets": 1,  # the forecast and allocation, once for both reports
        "in_progress": 1,  # the period in progress of the company, regions and reps
    }
    assert len(list(cache.glob("*.pickle"))) == 5  # the five results above
    lab = run("North", cache)
    assert lab["counts"]["computed"] == {}, lab["counts"]
    assert lab["counts"]["disk"] == {
        "key_drivers": 2,
        "customer_value": 1,
        "company_targets": 1,
        "in_progress": 1,
    }
    assert lab["North"] == batch["North"]  # every figure, bit for bit
    # the slice: the company's importances in both reports, North's own scores
    assert batch["North"]["importance"] == batch["all"]["importance"]
    assert batch["North"]["mean"] != batch["all"]["mean"]
    assert batch["North"]["value_total"] < batch["all"]["value_total"]


# ------------------------------------------------------------------ the cache itself
@pytest.fixture()
def cache(tmp_path, monkeypatch):
    d = tmp_path / "books"
    monkeypatch.setenv(books.CACHE_ENV, str(d))
    monkeypatch.delenv("SALESMEASURE_SNAPSHOT", raising=False)
    books.forget()
    yield d
    books.forget()


def test_where_the_cache_is(tmp_path, monkeypatch):
    monkeypatch.setenv(books.CACHE_ENV, str(tmp_path / "x"))
    assert books.cache_dir() == tmp_path / "x"
    monkeypatch.setenv(books.CACHE_ENV, "off")
    assert books.cache_dir() is None
    monkeypatch.delenv(books.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    data = tmp_path / "data"
    data.mkdir()
    assert books.cache_dir(data) == tmp_path / "xdg" / "salesmeasure" / "books"
    (data / "salesmeasure.toml").write_text('[cache]\ndir = "../shared-cache"\nmax_mb = 1\n')
    assert books.cache_dir(data) == (data / ".." / "shared-cache")
    (data / "salesmeasure.toml").write_text("[cache]\nenabled = false\n")
    assert books.cache_dir(data) is None
    # the loader accepts the section (an unknown one would be an error)
    from salesmeasure import config

    assert config.find(data).settings["cache"] == {"enabled": False}


def test_written_whole_read_back_and_counted(cache):
    before = books.COUNTS["computed"]["t-disk"]
    assert books.remembered("t-disk", (1,), lambda: {"a": [1, 2]}) == {"a": [1, 2]}
    files = sorted(p.suffix for p in cache.iterdir())
    assert files == [".lock", ".pickle"]  # no half-written .part left
    books.forget()  # another kernel
    disk = books.COUNTS["disk"]["t-disk"]
    assert books.remembered("t-disk", (1,), lambda: pytest.fail("recomputed")) == {"a": [1, 2]}
    assert books.COUNTS["computed"]["t-disk"] == before + 1
    assert books.COUNTS["disk"]["t-disk"] == disk + 1
    assert books.clear_cache() == 2 and not list(cache.iterdir())


def test_bounded_least_recently_used_go_first(cache, monkeypatch):
    monkeypatch.setattr(books, "_max_bytes", lambda: 2500)
    blob = b"x" * 1000  # about 1 kB pickled each: two fit
    for i in range(3):
        books.remembered("t-bound", (i,), lambda: blob)
        p = cache / f"{books._digest('t-bound', (i,))}.pickle"
        os.utime(p, (time.time() - 100 + i * 10,) * 2)
    books.remembered("t-bound", (3,), lambda: blob)  # the write prunes the oldest
    left = {p.stem for p in cache.glob("*.pickle")}
    assert left == {books._digest("t-bound", (i,)) for i in (2, 3)}


SLOW = textwrap.dedent(
    """
    import sys, time
    from salesmeasure import books
    def compute():
        time.sleep(1.5)
        return sys.argv[1]
    got = books.remembered("t-concurrent", ("same",), compute)
    print(got, books.COUNTS["computed"]["t-concurrent"])
    """
)


def test_concurrent_writers_compute_once(cache):
    env = {**os.environ, books.CACHE_ENV: str(cache)}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "lib"), env.get("PYTHONPATH", "")])
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SLOW, name], stdout=subprocess.PIPE, text=True, env=env
        )  # fmt: skip
        for name in ("first", "second")
    ]
    outs = [p.communicate(timeout=300)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    # one computed (count 1), the other waited on the lock and read its result (count 0)
    assert sorted(int(o[1]) for o in outs) == [0, 1]
    assert outs[0][0] == outs[1][0]


def test_the_cache_command_says_where_and_clears(cache):
    from typer.testing import CliRunner

    from salesmeasure.cli import app

    books.remembered("t-cli", (1,), lambda: 1)
    runner = CliRunner()
    got = runner.invoke(app, ["cache", "where"])
    assert got.exit_code == 0 and got.output.strip() == str(cache)
    got = runner.invoke(app, ["cache", "clear"])
    assert got.exit_code == 0 and "Removed 2 file(s)" in got.output
    assert not list(cache.glob("*.pickle"))
    assert runner.invoke(app, ["cache", "wipe"]).exit_code == 2


def test_a_kept_reason_is_not_shown_in_another_language(tmp_path, monkeypatch):
    """A result that is a reason (too little data) carries words: a Chinese report does not
    show the English reason an English report kept, it computes its own (the disk cache
    and the process cache both)."""
    from salesmeasure import books
    from salesmeasure.errors import InsufficientData
    from salesmeasure.i18n import _, language

    monkeypatch.setenv(books.CACHE_ENV, str(tmp_path))
    books.forget()
    calls = []

    def compute():
        calls.append(1)
        raise InsufficientData(_("too few responses"))

    for lang, expected in (
        ("en", "too few responses"),
        ("zh-CN", None),
        ("en", "too few responses"),
    ):
        with language(lang):
            with pytest.raises(InsufficientData) as got:
                books.remembered("reason-test", ("x",), compute)
        if expected:
            assert str(got.value) == expected
        else:
            assert str(got.value) != "too few responses" and str(got.value)
    assert len(calls) == 2  # English once (kept), Chinese once; the second English read kept
    books.forget()
