"""Atomic file writes and the per-report status records the cache and index read."""

from __future__ import annotations

import errno
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = [
    "WriteFailed",
    "atomic_write",
    "describe_write_error",
    "strip_ansi",
    "ReportFailure",
    "ReportRecord",
    "read_record",
]

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")


def strip_ansi(text: str) -> str:
    """Remove ANSI colour/escape sequences (IPython colours its error messages)."""
    return _ANSI.sub("", str(text))


#: Write errors that mean the disk (or the user's quota) is full: a batch stops on them.
DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


def describe_write_error(exc: OSError, path) -> str:
    """``no space left on device while writing <path>`` (the reason in words, the file)."""
    if exc.errno == errno.ENOSPC:
        reason = "no space left on device"
    elif exc.errno == errno.EDQUOT:
        reason = "disk quota exceeded"
    else:
        reason = (exc.strerror or str(exc) or type(exc).__name__).strip()
        reason = reason[:1].lower() + reason[1:]
    return f"{reason} while writing {path}"


class WriteFailed(OSError):
    """A file of a batch could not be written; ``str()`` says why and which file."""

    def __init__(self, path, exc: OSError):
        super().__init__(exc.errno, describe_write_error(exc, path))
        self.filename = str(path)
        self.message = describe_write_error(exc, path)

    @property
    def disk_full(self) -> bool:
        return self.errno in DISK_FULL

    def __str__(self) -> str:
        return self.message


def _write_file(fh, data: bytes, path: Path) -> None:
    """Write and flush ``data`` (for ``path``) to an open temporary file: the one place
    a batch writes bytes, so a test can fill the disk here."""
    fh.write(data)
    fh.flush()
    os.fsync(fh.fileno())


def atomic_write(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    Readers never see a half-written file: they see the old file or the new one.

    Raises
    ------
    WriteFailed
        An ``OSError`` (e.g. ENOSPC, a full disk) while writing; the message names the
        reason in words and the file, and no temporary file is left behind.
    """
    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            _write_file(fh, data.encode("utf-8") if isinstance(data, str) else data, path)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            try:
                Path(tmp).unlink(missing_ok=True)
            except OSError:
                pass
        if isinstance(exc, OSError) and not isinstance(exc, WriteFailed):
            raise WriteFailed(path, exc) from exc
        raise
    return path


@dataclass(frozen=True)
class ReportFailure:
    """Where and why a report failed, fit for a manager's eyes (no traceback)."""

    message: str  #: e.g. ``"ValueError: unknown region 'Nord'"``
    cell: int | None = None  #: 1-based index of the failing cell in the notebook
    section: str = ""  #: the heading of the section the cell is in, if any
    #: the exception as raised (``"KeyError: 'clv'"``), for the log and the maintainers;
    #: ``message`` is the reason in words that the index shows
    detail: str = ""

    def describe(self) -> str:
        where = []
        if self.cell is not None:
            where.append(f"cell {self.cell}")
        if self.section:
            where.append(f"section '{self.section}'")
        return (f"{', '.join(where)}: " if where else "") + self.message


@dataclass
class ReportRecord:
    """What a batch knows about one report; stored beside it as ``<notebook>.json``."""

    id: str
    notebook: str
    period: str
    region: str
    region_slug: str
    key: str
    status: str  #: "ok", "failed" or "skipped" (cached, unchanged)
    error: ReportFailure | None = None
    outputs: dict = field(default_factory=dict)  #: format -> file name (relative)
    headline: dict = field(default_factory=dict)  #: label -> formatted value
    durations: dict = field(default_factory=dict)  #: step -> seconds
    started: str = ""
    notebook_version: str = ""
    title: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True, default=str)


def read_record(path: str | Path) -> ReportRecord | None:
    """Read a stored record; ``None`` when absent or unreadable (then the report reruns)."""
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
        err = d.pop("error", None)
        return ReportRecord(**d, error=ReportFailure(**err) if err else None)
    except (OSError, ValueError, TypeError):
        return None
