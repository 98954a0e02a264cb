"""Data sources: read the six tables as they are, for the loader to check.

THE CONTRACT (every reader implements it; ``salesmeasure.data.load`` does the rest)
===================================================================================

A reader only *reads*. It returns each table's values as they are in the source, with
the source's own column names. The loader (``salesmeasure.data``) then, for every source
alike: applies the column mapping and constants of ``salesmeasure.toml``, checks that
every column is there (naming the closest one), coerces text to numbers and dates with
the configured decimal mark, thousands separator and date format, runs the pandera
checks, quarantines bad rows, stops on format problems and empty tables, and computes
the fingerprint. So a reader never renames, types, filters or validates.

``open_source(spec, config) -> Source``
    ``spec`` is what ``--data`` / ``data_path`` / ``$SALESMEASURE_DATA`` holds:

    * a folder of CSV/Parquet files -> :class:`salesmeasure.sources.folder.FolderSource`
    * ``*.xlsx`` / ``*.xlsm`` -> ``salesmeasure.sources.excel.ExcelSource(path)``
    * ``scheme://...`` (SQLAlchemy URL) -> ``salesmeasure.sources.sql.SQLSource(url)``

    The Excel and SQL modules are imported lazily, so their drivers are only needed
    when used. ``config`` is a :class:`salesmeasure.config.Config`.

``Source`` (protocol)
    ``label: str``
        Where the data is, for messages and reports. NEVER a password or a full
        connection string (host and database name are fine).
    ``read(config) -> RawTables``
        Reads all six tables. For table ``name`` use ``config.table(name)``:
        ``.file`` / ``.sheet`` / ``.table`` / ``.query`` say where it is (all None: the
        default, ``<name>.csv|.parquet`` in a folder, a sheet or database table named
        ``<name>``); ``.format`` (:class:`~salesmeasure.config.TextFormat`) holds the
        delimiter and encoding for text files (decimal mark, thousands separator and
        date format are applied by the loader, not by the reader). A table that cannot
        be read raises :class:`salesmeasure.errors.DataError` naming the origin and,
        when known, what is there instead (sheets, tables, files). A table with no
        source at all (no file, no sheet, no database table) raises
        :class:`TableNotFound` from the reader's one-table read; :func:`read_tables`
        runs the loop over the six tables, skips tables configured ``absent = true``
        and turns each ``TableNotFound`` of an optional table at its default place
        into an entry of ``RawTables.absent`` (issue 23: only ``orders`` is needed).
    ``fingerprint(config) -> str``
        A cheap hash that changes whenever the data that ``read`` would return changes
        (file bytes; for a database, a hash of the rows read, or counts and maximum
        update times shown to be sufficient). Must equal ``read(config).fingerprint``.

``RawTable``
    ``name``: our table name. ``frame``: a DataFrame with the source's column names
    (every column read, extra ones are ignored). Values: text sources give ``str``
    (empty cells as ``""`` or None/NaN, never parsed: keep ``1,234.00`` as text);
    typed sources (Parquet, typed database columns, typed Excel cells) give numbers and
    datetimes as they are (numpy or Arrow dtypes are both fine). ``origin``: how a
    message names it, e.g. ``"data/orders.csv"``, ``"export.xlsx, sheet Orders"``,
    ``"database table public.orders"``, ``"database query for orders"``. ``row_base``:
    the row number a user sees for ``frame`` row 0 (1 for CSV records after the header,
    2 for a spreadsheet whose header is row 1, 1 for a database result, where the id
    column identifies the row). ``fingerprint``: this table's contribution (a hex digest).
    ``text``: True when the values are unparsed text (CSV, staging tables).

``RawTables``
    ``tables``: dict name -> RawTable for every table read. ``source``: the Source's
    label. ``fingerprint``: combined digest (:func:`combine` of the tables'
    contributions; an absent table contributes nothing). ``absent``: name -> why, for
    the tables that have no source (not in ``tables``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import pandas as pd

from salesmeasure.errors import DataError

if TYPE_CHECKING:
    from salesmeasure.config import Config

EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class RawTable:
    """One table as read from its source (see the module docstring)."""

    name: str
    frame: pd.DataFrame
    origin: str
    row_base: int = 1
    fingerprint: str = ""
    text: bool = True


@dataclass(frozen=True)
class RawTables:
    """The tables as read, with the source's label and a combined fingerprint; the
    tables with no source at all are named in ``absent`` (name -> why)."""

    tables: dict[str, RawTable]
    source: str
    fingerprint: str
    absent: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> RawTable:
        return self.tables[name]


class TableNotFound(DataError):
    """A table has no source at all: no file, no sheet, no database table.

    ``explicit`` is True when ``salesmeasure.toml`` named the place (``file = ...``,
    ``sheet = ...``, ``table = ...``): then it is an error even for an optional table.
    """

    def __init__(self, message: str, *, file=None, column=None, explicit: bool = False):
        super().__init__(message, file=file, column=column)
        self.explicit = explicit


class TablesMissing(DataError):
    """Tables the reports need (``orders``, or a table at a place the configuration
    names) have no source, or tables could not be read. The message names every one
    (``missing``: the errors); ``partial`` holds what was read, so the loader can report
    missing columns of the other tables in the same run."""

    def __init__(self, message: str, *, file=None, missing=(), partial=None):
        super().__init__(message, file=file)
        self.missing = tuple(missing)
        self.partial = partial


#: The one table the reports cannot do without; every other table may be absent.
REQUIRED_TABLES = ("orders",)


def read_tables(config: Config, read_one, label: str) -> RawTables:
    """Read every table with ``read_one(name) -> RawTable`` (see the module docstring).

    Tables configured ``absent = true`` are not read. A :class:`TableNotFound` of an
    optional table at its default place makes the table absent; of ``orders`` or of a
    place the configuration names, it is collected, and once every table has been tried
    one :class:`TablesMissing` names them all.
    """
    from salesmeasure.config import TABLE_NAMES

    tables: dict[str, RawTable] = {}
    absent: dict[str, str] = {}
    errors: list[TableNotFound] = []
    for name in TABLE_NAMES:
        if getattr(config.table(name), "absent", False):
            absent[name] = "absent = true in salesmeasure.toml"
            continue
        try:
            tables[name] = read_one(name)
        except TableNotFound as exc:
            if exc.explicit or name in REQUIRED_TABLES:
                errors.append(exc)
            else:
                absent[name] = str(exc)
        except DataError as exc:  # unreadable: said with the missing ones, all at once
            errors.append(exc)
    raw = RawTables(
        tables=tables,
        source=label,
        fingerprint=combine({n: t.fingerprint for n, t in tables.items()}),
        absent=absent,
    )
    if errors:
        if len(errors) == 1 and not isinstance(errors[0], TableNotFound):
            raise errors[0]
        errors.sort(key=lambda e: not isinstance(e, TableNotFound))  # missing tables first
        if len(errors) == 1:
            msg = str(errors[0])
        else:
            msg = f"{len(errors)} problems with the data:\n" + "\n".join(f"  - {e}" for e in errors)
        raise TablesMissing(msg, file=errors[0].file, missing=errors, partial=raw)
    return raw


@runtime_checkable
class Source(Protocol):
    """What ``open_source`` returns (see the module docstring)."""

    label: str

    def read(self, config: Config) -> RawTables: ...

    def fingerprint(self, config: Config) -> str: ...


def combine(parts: dict[str, str]) -> str:
    """One 16-hex-digit digest of per-table digests (order independent)."""
    h = hashlib.sha256()
    for name in sorted(parts):
        h.update(name.encode())
        h.update(b"\0")
        h.update(str(parts[name]).encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def hash_frame(df: pd.DataFrame) -> str:
    """A digest of a DataFrame's column names and values (for typed sources)."""
    h = hashlib.sha256()
    h.update("\0".join(map(str, df.columns)).encode())
    h.update(str(len(df)).encode())
    if len(df):
        values = pd.util.hash_pandas_object(df.astype(object), index=False).to_numpy()
        h.update(values.tobytes())
    return h.hexdigest()


def is_url(spec: str | Path) -> bool:
    return isinstance(spec, str) and "://" in spec


def open_source(spec: str | Path, config: Config | None = None) -> Source:
    """The reader for ``spec`` (a folder, a workbook, or a database URL).

    Raises
    ------
    DataError
        ``spec`` does not exist or is of a kind no reader handles.
    """
    if is_url(spec):
        from salesmeasure.sources.sql import SQLSource

        return SQLSource(str(spec))
    p = Path(spec).expanduser()
    if p.suffix.lower() in EXCEL_SUFFIXES:
        if not p.is_file():
            raise DataError(f"{p}: no such workbook", file=str(p))
        from salesmeasure.sources.excel import ExcelSource

        return ExcelSource(p)
    if not p.exists():
        raise DataError(f"{p}: no such data directory", file=str(p))
    if p.is_dir():
        from salesmeasure.sources.folder import FolderSource

        return FolderSource(p)
    raise DataError(
        f"{p}: not a directory (point at the folder holding the tables, an .xlsx workbook, "
        f"or a database URL such as postgresql://host/db)",
        file=str(p),
    )
