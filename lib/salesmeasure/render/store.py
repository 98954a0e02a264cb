"""Atomic file writes and the per-report status records the cache and index read."""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["atomic_write", "strip_ansi", "ReportFailure", "ReportRecord", "read_record"]

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")


def strip_ansi(text: str) -> str:
    """Remove ANSI colour/escape sequences (IPython colours its error messages)."""
    return _ANSI.sub("", str(text))


def atomic_write(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    Readers never see a half-written file: they see the old file or the new one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
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
