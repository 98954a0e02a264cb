"""The edges of a batch: the output folder, Ctrl-C, and headline KPIs kept across runs.

* :func:`check_out_dir` -- ``--out`` must be a folder the batch can write to, checked
  before anything runs, so a wrong ``--out`` is one line and exit 2, not a traceback.
* :func:`merge_scorecards` -- the index shows every region's headline KPIs, also those
  rendered by an earlier run into the same folder (stored in ``scorecards.json``).
* :func:`kill_descendants`, :func:`sigint_ignored` and :class:`Background` -- what an
  interrupted batch needs to stop within seconds: kill its own worker processes, kernels
  and browser, write the index for what finished, and not be interrupted again while it
  does so.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import signal
import tempfile
import threading
from pathlib import Path

from salesmeasure.errors import ParameterError

from .store import atomic_write

__all__ = [
    "SCORECARDS_FILE",
    "Background",
    "check_out_dir",
    "kill_descendants",
    "merge_scorecards",
    "sigint_ignored",
]

#: Per period folder: region -> headline KPIs shown on the index (kept across runs).
SCORECARDS_FILE = "scorecards.json"


def check_out_dir(out: str | os.PathLike) -> Path:
    """Create ``out`` if needed and check that files can be written in it.

    Raises
    ------
    ParameterError
        ``out`` (or a folder above it) is a file, or the folder cannot be created or
        written to; the one-line message names ``--out`` and the reason.
    """
    out = Path(out)
    for p in (out, *out.parents):
        if p.exists() or p.is_symlink():
            if not p.is_dir():
                where = "is a file" if p == out else f"is inside {p}, which is a file"
                raise ParameterError(f"--out {out} {where}; give a folder for the reports")
            break
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".salesmeasure-write-test-", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ParameterError(
            f"--out {out}: cannot write the reports there ({reason.lower()})"
        ) from None
    return out


def _jsonable(v):
    if isinstance(v, int | float | str | bool) or v is None:
        return v
    return str(v)


def merge_scorecards(period_dir: str | os.PathLike, cards: dict | None) -> dict:
    """This run's headline KPIs per region merged over those stored by earlier runs.

    A region rendered by this run replaces its stored KPIs; a region rendered only by an
    earlier run into the same folder keeps them, so rendering South and then North
    leaves both on the index. The merged dict is written back to ``scorecards.json``.
    """
    path = Path(period_dir) / SCORECARDS_FILE
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(stored, dict):
            stored = {}
    except (OSError, ValueError):
        stored = {}
    merged = {str(k): v for k, v in stored.items() if isinstance(v, dict)}
    for region, card in (cards or {}).items():
        if card:  # an empty card (a headline that failed) keeps the stored one
            merged[str(region)] = {str(k): _jsonable(v) for k, v in card.items()}
        else:
            merged.setdefault(str(region), {})
    with contextlib.suppress(OSError):
        atomic_write(path, json.dumps(merged, indent=1, sort_keys=True, ensure_ascii=False))
    return merged


def kill_descendants(pid: int | None = None) -> int:
    """Kill every process started by ``pid`` (default: this process), children first.

    The batch's own worker processes, their kernels, and the PDF browser with its
    driver; returns how many were killed.
    """
    try:
        import psutil

        procs = psutil.Process(pid or os.getpid()).children(recursive=True)
    except Exception:
        return 0
    for p in reversed(procs):  # deepest first: kernels before their workers
        with contextlib.suppress(Exception):
            p.kill()
    with contextlib.suppress(Exception):
        psutil.wait_procs(procs, timeout=3)
    return len(procs)


@contextlib.contextmanager
def sigint_ignored():
    """Ignore Ctrl-C while the batch writes what finished (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


class Background:
    """One function run in a daemon thread, in the caller's context (language).

    Unlike a ``ThreadPoolExecutor``, an interrupted batch does not wait for it when
    Python exits. ``submit`` then ``result(timeout)``; a result that is not ready, or
    that raised, gives ``default``.
    """

    def __init__(self, *_args, **_kwargs):
        self._done = threading.Event()
        self._value = None

    def submit(self, fn, *args, **kwargs) -> Background:
        ctx = contextvars.copy_context()

        def run():
            try:
                self._value = ctx.run(fn, *args, **kwargs)
            except Exception:
                self._value = None
            finally:
                self._done.set()

        threading.Thread(target=run, name="salesmeasure-background", daemon=True).start()
        return self

    def result(self, timeout: float | None = None, default=None):
        if not self._done.wait(timeout):
            return default
        return default if self._value is None else self._value

    def shutdown(self, *_args, **_kwargs) -> None:
        """Nothing to do: the thread is a daemon (kept for the executor's interface)."""
