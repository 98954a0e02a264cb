"""A folder of CSV or Parquet files, one per table (``orders.csv`` or ``orders.parquet``,
or the file that ``salesmeasure.toml`` names)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from salesmeasure.config import Config
from salesmeasure.errors import DataError
from salesmeasure.sources import RawTable, RawTables, TableNotFound, read_tables

SUFFIXES = (".parquet", ".csv", ".txt", ".tsv")


class FolderSource:
    """Reads the six tables from a folder (see :mod:`salesmeasure.sources`)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.label = str(self.root)

    # ------------------------------------------------------------------ files
    def path(self, name: str, config: Config) -> Path:
        """The file of table ``name``; DataError when it is missing or ambiguous."""
        tc = config.table(name)
        if tc.sheet or tc.table or tc.query:
            where = "sheet" if tc.sheet else "table" if tc.table else "query"
            raise DataError(
                f"{config.path}: [tables.{name}] gives a {where}, but the data is the folder "
                f'{self.root}; use file = "..." for a folder',
                file=str(config.path),
            )
        if tc.file:
            p = config.resolve(tc.file, self.root)
            if not p.is_file():
                raise TableNotFound(
                    f"{p}: no such file (named by [tables.{name}] file in {config.path})",
                    file=str(p),
                    explicit=True,
                )
            return p
        root = self.root
        found = [
            root / f"{name}.{ext}"
            for ext in ("parquet", "csv")
            if (root / f"{name}.{ext}").exists()
        ]
        if not found:
            present = sorted(p.name for p in root.iterdir() if p.is_file())
            like = [f for f in present if name.rstrip("s") in f.lower() and f.endswith(SUFFIXES)]
            hint = (
                f"; if {like[0]!r} is it, add to salesmeasure.toml:  [tables.{name}]  "
                f'file = "{like[0]}"'
                if like
                else ""
            )
            raise TableNotFound(
                f"{root}: table '{name}' is missing: expected {name}.csv or {name}.parquet "
                f"(found: {', '.join(present) or 'no files'}){hint}",
                file=str(root / f"{name}.csv"),
            )
        if len(found) > 1:
            raise DataError(
                f"{root}: both {name}.parquet and {name}.csv exist; keep one so it is clear "
                f"which one is the data",
                file=str(found[0]),
            )
        return found[0]

    def files(self, config: Config) -> dict[str, Path]:
        """The file of every table that has one (see :func:`~salesmeasure.sources.read_tables`)."""
        raw = read_tables(config, lambda n: _placeholder(n, self.path(n, config)), self.label)
        return {n: Path(t.origin) for n, t in raw.tables.items()}

    # ------------------------------------------------------------ fingerprint
    @staticmethod
    def _file_digest(path: Path) -> str:
        h = hashlib.sha256()
        h.update(path.name.encode())
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()

    def fingerprint(self, config: Config) -> str:
        return read_tables(
            config,
            lambda n: _placeholder(n, p := self.path(n, config), self._file_digest(p)),
            self.label,
        ).fingerprint

    # ------------------------------------------------------------------- read
    def read(self, config: Config) -> RawTables:
        def one(name: str) -> RawTable:
            path = self.path(name, config)
            return RawTable(
                name=name,
                frame=read_file(path, config.table(name).format),
                origin=str(path),
                row_base=1,
                fingerprint=self._file_digest(path),
                text=path.suffix.lower() != ".parquet",
            )

        return read_tables(config, one, self.label)


def _placeholder(name: str, path: Path, digest: str = "") -> RawTable:
    """A table's file without reading it (for :meth:`FolderSource.files`, ``fingerprint``)."""
    return RawTable(name=name, frame=pd.DataFrame(), origin=str(path), fingerprint=digest)


def read_file(path: Path, fmt) -> pd.DataFrame:
    """A text file as strings (so bad values can be reported as written), or a Parquet file.

    Text files are delimited (``fmt.delimiter``: one character, or ``"whitespace"`` for
    columns separated by runs of spaces and tabs) or fixed-width (``"fixed-width"``:
    column positions inferred from the file); ``fmt.skip_rows`` lines above the header
    are skipped, and without a header (``fmt.header = false``) the columns are named
    ``column_1``, ``column_2``, ...
    """
    if path.stat().st_size == 0:
        raise DataError(
            f"{path}: the file is empty (expected a header row and data)", file=str(path)
        )
    try:
        if path.suffix.lower() == ".parquet":
            df = pd.read_parquet(path)
        else:
            _check_encoding(path, fmt.encoding)
            df = read_text(path, fmt)
    except DataError:
        raise
    except UnicodeDecodeError as exc:
        raise DataError(_encoding_message(path, fmt.encoding, exc), file=str(path)) from None
    except LookupError:
        raise DataError(f"{path}: unknown encoding {fmt.encoding!r}", file=str(path)) from None
    except Exception as exc:  # pyarrow / pandas parser errors
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: cannot read the file: {msg}", file=str(path)) from None
    df.columns = [str(c).strip() for c in df.columns]
    return df.reset_index(drop=True)


def read_text(path, fmt, nrows: int | None = None) -> pd.DataFrame:
    """A delimited, whitespace-separated or fixed-width text file as strings."""
    kw = dict(
        dtype=str,
        keep_default_na=False,
        na_values=[],
        encoding=fmt.encoding,
        skiprows=fmt.skip_rows or None,
        header=0 if fmt.header else None,
        nrows=nrows,
    )
    if fmt.delimiter == "fixed-width":
        df = pd.read_fwf(path, colspecs="infer", infer_nrows=10_000, **kw)
    elif fmt.delimiter == "whitespace":
        df = pd.read_csv(path, sep=r"\s+", **kw)
    else:
        df = pd.read_csv(path, sep=fmt.delimiter, **kw)
    if not fmt.header:
        df.columns = [f"column_{i + 1}" for i in range(len(df.columns))]
    return df


def _check_encoding(path: Path, encoding: str) -> None:
    """UTF-16 bytes read as UTF-8 decode without an error (NULs are valid UTF-8) and give
    a header of garbage: say which encoding it is instead."""
    from salesmeasure.data.detect import same_encoding, sniff_encoding

    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    likely = sniff_encoding(head)
    if likely.startswith("utf-16") and not same_encoding(likely, encoding):
        raise DataError(
            f"{path}: the file is UTF-16 text, not {encoding.replace('-sig', '').upper()}; "
            f'set encoding = "{likely}" in salesmeasure.toml',
            file=str(path),
        )


def _encoding_message(path: Path, encoding: str, exc: UnicodeDecodeError) -> str:
    from salesmeasure.data.detect import ENCODING_NAMES, same_encoding, sniff_encoding

    with open(path, "rb") as fh:
        likely = sniff_encoding(fh.read(1 << 16))
    name = encoding.replace("-sig", "").upper()
    if same_encoding(likely, encoding):  # the first 64 KB read, a later byte does not
        likely = "gb18030" if likely != "gb18030" else "cp1252"
    return (
        f"{path}: not {name} text ({exc.reason} at byte {exc.start}); it looks like "
        f'{ENCODING_NAMES.get(likely, likely)}: set encoding = "{likely}" in salesmeasure.toml'
    )
