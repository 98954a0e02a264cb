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
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2026Q3"
REGIONS = ("all", "North")
LANGS = ("en", "zh-CN")


def command(out: Path) -> list[str]:
    return [
        str(Path(sys.executable).parent / "salesmeasure"), "render", "--period", PERIOD,
        "--regions", ",".join(REGIONS), "--lang", ",".join(LANGS), "--out", str(out),
        "--data", str(ROOT / "data" / "sample"),
    ]  # fmt: skip


def shared_pack(shared_root: Path) -> Path:
    """Render (once) and return the default pack's output folder under ``shared_root``."""
    out = shared_root / "default-pack"
    done, failed = shared_root / "default-pack.done", shared_root / "default-pack.failed"
    with open(shared_root / "default-pack.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists() and not failed.exists():
                run = subprocess.run(command(out), capture_output=True, text=True, timeout=1800)
                if run.returncode == 0:
                    done.write_text("ok")
                else:
                    failed.write_text(
                        f"exit {run.returncode}\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
                    )
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    if failed.exists():
        raise AssertionError("the default pack did not render:\n" + failed.read_text())
    return out


def report(pack: Path, name: str, region: str = "all", lang: str = "en", ext: str = "html") -> Path:
    """Path of one report of the pack, e.g. ``report(pack, "00_executive_summary", "North", "zh-CN", "pdf")``."""
    base = pack if lang == "en" else pack / lang
    return base / PERIOD / region.lower() / f"{name}.{ext}"
