"""One rendered default pack per test session, shared by every test file and xdist worker.

The artifact tests of the pages a manager opens (first screen, navigation, PDF layout,
both languages) read the files that the real command writes:

    salesmeasure render --period 2026Q3 --regions all,North --lang en,zh-CN --out DIR

on the committed sample data (HTML and PDF, the default formats). Rendering it costs about
a minute of both cores, so it is done once per ``pytest`` run: the first worker to ask
renders it under an exclusive lock in the directory that all workers of the run share
(``tmp_path_factory.getbasetemp().parent`` under xdist), the others wait on the lock and
read the result. A failed render is remembered as failed (its output kept for the message)
and is not retried by every test.

Layout of the returned folder: ``2026Q3/index.html`` and ``2026Q3/<region>/NN_name.html``
(``.pdf``, ``.json``, ``.ipynb``; region folders lower-case: ``all``, ``north``) in English,
the same under ``zh-CN/2026Q3/`` in Chinese; ``index.html`` at the top.

The same lock-and-remember pattern (:func:`shared`) keeps every other piece of work that
several test files need once per run: the notebooks executed by ``run_notebook``
(tests/conftest.py), the contract suite's data shapes and case renders
(tests/contract/conftest.py), the default pack with South added
(:func:`pack_with_regions`, tests/test_pack_consistency.py). Keys in use:
``default-pack``, ``default-pack+South``, ``notebook-<name>-<hash of parameters>``,
``contract-base``, ``contract-shape-<shape>``, ``contract-case-<case id>``.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2026Q3"
REGIONS = ("all", "North")
LANGS = ("en", "zh-CN")


#: Set by ``make test-fast``: the default pack is rendered as HTML only (the printed PDFs
#: cost a third of its render) and in English only (:func:`languages`); a test reading one
#: of its PDFs or Chinese pages is skipped, with this reason, and runs in ``make test``.
HTML_ONLY_ENV = "SALESMEASURE_TEST_PACK_HTML_ONLY"


def html_only() -> bool:
    import os

    return os.environ.get(HTML_ONLY_ENV, "") not in ("", "0")


def languages() -> tuple[str, ...]:
    """The languages of the rendered pack: English alone in ``make test-fast`` (each
    language is half of the pack's render, which every worker of test-fast waits for:
    20 s of its 3 minutes); both in ``make test``."""
    return LANGS[:1] if html_only() else LANGS


def skip_unless_rendered(lang: str = "en", ext: str = "html") -> None:
    """Skip the asking test when the pack of this run has no ``ext`` files in ``lang``."""
    import pytest

    if ext == "pdf" and html_only():
        pytest.skip(
            f"{HTML_ONLY_ENV} (make test-fast): the default pack has no PDFs; make test reads them"
        )
    if lang not in languages():
        pytest.skip(
            f"{HTML_ONLY_ENV} (make test-fast): the default pack is in English only; "
            f"make test reads the {lang} pages"
        )


def lang_dir(pack: Path, lang: str) -> Path:
    """The folder of one language of the pack (``pack`` or ``pack/<lang>``); skips the test
    when that language is not rendered in this run (:func:`skip_unless_rendered`)."""
    skip_unless_rendered(lang)
    return pack if lang == "en" else pack / lang


def command(out: Path) -> list[str]:
    cmd = [
        str(Path(sys.executable).parent / "salesmeasure"), "render", "--period", PERIOD,
        "--regions", ",".join(REGIONS), "--lang", ",".join(languages()), "--out", str(out),
        "--data", str(ROOT / "data" / "sample"),
    ]  # fmt: skip
    return [*cmd, "--formats", "html"] if html_only() else cmd


def shared(shared_root: Path, key: str, build: Callable[[Path], object]) -> Path:
    """``shared_root/key``, made once per pytest run by ``build(folder)`` for every worker.

    The registry of this run's shared work (renders, executed notebooks, generated data):
    the first worker to ask builds it under an exclusive lock ``key.lock``, the others wait
    on the lock and read the result. A failed build is remembered (``key.failed``, with its
    message) and raised to every asker instead of being retried by every test. ``build``
    fails by raising; locks of different keys are independent, so a build may ask for
    another key (e.g. a render for its data folder) as long as keys never ask in a cycle.
    """
    out = shared_root / key
    done, failed = shared_root / f"{key}.done", shared_root / f"{key}.failed"
    with open(shared_root / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists() and not failed.exists():
                try:
                    build(out)
                except BaseException as e:  # noqa: B036 - remembered, then raised again
                    failed.write_text(f"{type(e).__name__}: {e}\n{traceback.format_exc()}")
                    if not isinstance(e, Exception):
                        raise
                else:
                    done.write_text("ok")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    if failed.exists():
        raise AssertionError(f"the shared {key} could not be made:\n" + failed.read_text())
    return out


def shared_pack(shared_root: Path) -> Path:
    """Render (once) and return the default pack's output folder under ``shared_root``."""

    import os

    # as `make reports` renders it: --jobs' default of this machine, not the test run's
    # one worker per render (tests/conftest.py, $SALESMEASURE_JOBS)
    env = {k: v for k, v in os.environ.items() if k != "SALESMEASURE_JOBS"}

    def build(out: Path) -> None:
        run = subprocess.run(command(out), capture_output=True, text=True, timeout=1800, env=env)
        if run.returncode != 0:
            raise AssertionError(
                f"the default pack did not render: exit {run.returncode}\n"
                f"{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
            )

    return shared(shared_root, "default-pack", build)


def pack_with_regions(shared_root: Path, regions: tuple[str, ...]) -> Path:
    """The default pack with more regions: a copy of it into which the real command
    renders ``regions`` (HTML, both languages) as a user adds regions to a published
    folder; the index then lists all, North and ``regions``. Made once per run."""
    import shutil

    pack = shared_pack(shared_root)

    def build(out: Path) -> None:
        shutil.copytree(pack, out)
        cmd = command(out)
        cmd[cmd.index("--regions") + 1] = ",".join(regions)
        run = subprocess.run(
            [*cmd, "--formats", "html"], capture_output=True, text=True, timeout=1800
        )
        if run.returncode != 0:
            raise AssertionError(
                f"{' '.join(regions)} did not render into the default pack: exit "
                f"{run.returncode}\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
            )

    return shared(shared_root, "default-pack+" + "+".join(regions), build)


def shared_root(tmp_path_factory) -> Path:
    """The temp folder every xdist worker of this pytest run shares (the run's own one
    without xdist)."""
    import os

    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def report(pack: Path, name: str, region: str = "all", lang: str = "en", ext: str = "html") -> Path:
    """Path of one report of the pack, e.g. ``report(pack, "00_executive_summary", "North", "zh-CN", "pdf")``."""
    skip_unless_rendered(lang, ext)
    base = pack if lang == "en" else pack / lang
    return base / PERIOD / region.lower() / f"{name}.{ext}"
