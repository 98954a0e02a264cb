"""The edges of a batch: the output folder, Ctrl-C, and headline KPIs kept across runs.

* :func:`check_out_dir` -- ``--out`` must be a folder the batch can write to, checked
  before anything runs, so a wrong ``--out`` is one line and exit 2, not a traceback.
* :func:`merge_scorecards` -- the index shows every region's headline KPIs, also those
  rendered by an earlier run into the same folder (stored in ``scorecards.json``).
* :func:`kill_descendants` and :func:`sigint_ignored` -- what an interrupted batch needs
  to stop within seconds: kill its own worker processes, kernels and browser, write the
  index for what finished, and not be interrupted again while it does so.
* :func:`lock_out_dir` -- one batch at a time per ``--out``: a second render into the same
  folder stops at once (two data sets never mix in one index); a lock left by a process
  that is gone is taken over.
* :func:`mask_secrets` -- every message the CLI prints, the index and the kernel log show
  a database URL as ``postgresql://user:***@host/db``.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import signal
import socket
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from salesmeasure.errors import ParameterError

from .store import atomic_write

__all__ = [
    "SCORECARDS_FILE",
    "LOCK_FILE",
    "OutDirBusy",
    "check_out_dir",
    "kill_descendants",
    "lock_out_dir",
    "mask_secrets",
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


#: After Ctrl-C the console command ends within this many seconds, whatever is left.
EXIT_WITHIN_S = 6.0


def exit_within(seconds: float = EXIT_WITHIN_S, code: int = 130) -> None:
    """After Ctrl-C: end the ``salesmeasure`` command ``seconds`` from now at the latest.

    The batch stops in under a second and exits at once (``cli._exit_now``); this is the
    bound on what may hang on the way (a worker's pipe, a browser driver, an exit
    handler). (Three Ctrl-C tests that did not end on a fresh clone's full suite were
    not a hang: that suite ran in a background shell, which starts every command with
    Ctrl-C ignored, as POSIX shells do for background jobs; tests/interrupt.py now starts
    the command as a terminal would.) A no-op in any other process (pytest's, a notebook's).
    """
    if Path(sys.argv[0]).stem != "salesmeasure":
        return

    def cut_short():
        time.sleep(seconds)
        with contextlib.suppress(Exception):
            sys.stderr.write(
                f"Stopped: clean-up after Ctrl-C took more than {seconds:g} s and was cut short.\n"
            )
            sys.stderr.flush()
            sys.stdout.flush()
        os._exit(code)

    threading.Thread(target=cut_short, name="salesmeasure-exit-within", daemon=True).start()


# --------------------------------------------------------------------------- secrets

#: ``scheme://user:password@`` (the password up to the last ``@`` before the host, so an
#: unquoted ``@`` or ``:`` in it is masked too); ``password=...`` in a query string.
_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^:@/\s'\"]*:)(?P<pw>[^\s'\"]*)@")
_QUERY_PASSWORD = re.compile(r"(?P<head>[?&](?:password|passwd|pwd)=)(?P<pw>[^&\s'\"#]*)", re.I)
MASK = "***"


def mask_secrets(text) -> str:
    """``text`` with every password masked: ``postgresql://ann:***@db/sales``.

    Masks the password part of any URL, a ``password=`` query parameter, and the
    password a batch keeps for its kernels (``SALESMEASURE_DB_PASSWORD``) wherever it
    appears verbatim.
    """
    from salesmeasure.sources.sql import PASSWORD_ENV

    s = str(text)
    s = _URL_PASSWORD.sub(lambda m: m["head"] + (MASK if m["pw"] else "") + "@", s)
    s = _QUERY_PASSWORD.sub(lambda m: m["head"] + MASK, s)
    secret = os.environ.get(PASSWORD_ENV, "")
    if len(secret) >= 3:
        from urllib.parse import quote

        for form in sorted({secret, quote(secret, safe="")}, key=len, reverse=True):
            s = s.replace(form, MASK)
    return s


# --------------------------------------------------------------------------- out lock

#: In ``--out``: who is rendering into the folder (PID, host, start time, command).
LOCK_FILE = ".salesmeasure-render.lock"
_held: dict[str, int] = {}  # folder -> nesting depth, for this process
_held_lock = threading.Lock()


class OutDirBusy(ParameterError):
    """Another ``salesmeasure render`` is writing into the same ``--out`` folder."""


def _pid_alive(pid) -> bool:
    try:
        pid = int(pid)
    except (TypeError, ValueError):
        return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is gone for our purpose
        import psutil

        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except Exception:
        return True


def _read_holder(path: Path) -> dict:
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        return d if isinstance(d, dict) else {}
    except (OSError, ValueError):
        return {}


def _try_lock(path: Path):
    """An open fd holding an exclusive flock on ``path`` (the file as it is now in the
    folder), or None when another process holds it."""
    import fcntl

    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return None
            raise
        try:  # the file may have been replaced (taken over) between open and flock
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def _busy_message(out: Path, holder: dict) -> str:
    pid = holder.get("pid", "?")
    started = holder.get("started", "")
    host = holder.get("host", "")
    who = f"PID {pid}" + (f" on {host}" if host and host != socket.gethostname() else "")
    when = f", started {started}" if started else ""
    return (
        f"--out {out} is in use by another salesmeasure render ({who}{when}); "
        "wait for it to finish, or render into another --out folder"
    )


@contextlib.contextmanager
def lock_out_dir(out, *, command: str = ""):
    """Hold ``<out>/.salesmeasure-render.lock`` for the whole batch (``fcntl.flock``).

    Re-entrant within a process (the CLI holds it over every language of a command, and
    :func:`salesmeasure.render.render` takes it again). The lock file names its holder
    (PID, host, start time, the command with passwords masked). A lock file whose flock
    is held although its recorded process is gone (an orphan kept the file open) is
    replaced: the new batch takes the folder over.

    Raises
    ------
    OutDirBusy
        Another live process holds the lock; the message names the folder, its PID and
        when it started.
    """
    out = Path(out).resolve()
    key = str(out)
    with _held_lock:
        if _held.get(key):
            _held[key] += 1
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield out
        finally:
            with _held_lock:
                _held[key] -= 1
        return
    path = out / LOCK_FILE
    fd = _try_lock(path)
    if fd is None:
        holder = _read_holder(path)
        same_host = holder.get("host") in (None, "", socket.gethostname())
        if same_host and holder.get("pid") is not None and not _pid_alive(holder["pid"]):
            time.sleep(0.2)  # a new holder writes its PID right after it locks
            again = _read_holder(path)
            if again == holder:  # stale: take the folder over with a new lock file
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                fd = _try_lock(path)
            holder = again
        if fd is None:
            raise OutDirBusy(_busy_message(out, _read_holder(path) or holder))
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "command": mask_secrets(command),
    }
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info, indent=1).encode(), 0)
    except OSError:
        pass  # a full disk: the lock holds all the same, without its note
    with _held_lock:
        _held[key] = 1
    try:
        yield out
    finally:
        with _held_lock:
            _held.pop(key, None)
        with contextlib.suppress(OSError):  # while still locked: a batch that opened
            path.unlink()  # this file meanwhile sees it gone and locks a new one
        os.close(fd)
