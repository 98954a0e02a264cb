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
    """A CSV file as strings (so bad values can be reported as written), or a Parquet file."""
    if path.stat().st_size == 0:
        raise DataError(
            f"{path}: the file is empty (expected a header row and data)", file=str(path)
        )
    try:
        if path.suffix.lower() == ".parquet":
            df = pd.read_parquet(path)
        else:
            df = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                na_values=[],
                sep=fmt.delimiter,
                encoding=fmt.encoding,
            )
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path}: not {fmt.encoding.replace('-sig', '').upper()} text ({exc.reason} at byte "
            f'{exc.start}); if it is, say, Windows-1252, set encoding = "cp1252" in '
            f"salesmeasure.toml",
            file=str(path),
        ) from None
    except LookupError:
        raise DataError(f"{path}: unknown encoding {fmt.encoding!r}", file=str(path)) from None
    except Exception as exc:  # pyarrow / pandas parser errors
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: cannot read the file: {msg}", file=str(path)) from None
    df.columns = [str(c).strip() for c in df.columns]
    return df.reset_index(drop=True)
