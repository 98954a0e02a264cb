"""A validated snapshot of a :class:`Dataset`, so a batch loads and validates its data once.

``salesmeasure render`` loads and validates the source once in its main process and
writes the result here: one Arrow IPC file per table (uncompressed, so a reader maps it
into memory instead of parsing it), the quarantined rows, and ``dataset.json`` with the
source's label, fingerprint, as-of date, fiscal start month, row counts, the absent
tables, what was derived and the loader's warnings. No password
is written: the label is the source's own (:mod:`salesmeasure.sources` never puts a
password in it). A snapshot's folder is named after the data fingerprint, so a changed
source gives a new snapshot.

The batch names the snapshot in ``$SALESMEASURE_SNAPSHOT`` for its worker processes and
their notebook kernels (:func:`publish`, :func:`release`); ``report.prepare`` then reads
it (:func:`lookup`, :func:`read`) instead of the source when its ``data_path`` is the
source the snapshot was taken from, skipping validation (the rows were validated when
the snapshot was written). Without that variable, in JupyterLab or a script, nothing
changes: the source is read and validated as before.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from salesmeasure.data.dataset import Dataset
from salesmeasure.data.schemas import TABLE_NAMES

#: Environment variable naming the snapshot folder of the running batch.
ENV = "SALESMEASURE_SNAPSHOT"
#: Bumped when the layout changes (an older reader then ignores the snapshot).
#: 2: ``absent``, ``derived`` and ``warnings`` of the Dataset (issue 23).
FORMAT = 2
META = "dataset.json"
_FRAMES = (*TABLE_NAMES, "rejected")


def normalize_spec(spec) -> str:
    """The text that identifies a source: a database URL as given (without password, as
    the batch passes it on), a file or folder as its absolute path."""
    s = str(spec)
    if "://" in s:
        return s
    return str(Path(s).expanduser().resolve())


def write(ds: Dataset, root, *, spec) -> Path:
    """Write ``ds`` (loaded from ``spec``) as a snapshot under ``root``; return its folder.

    The folder is ``<root>/<fingerprint>-fy<fiscal start month>``. An existing complete
    snapshot of the same fingerprint is reused (same fingerprint, same data); a new one is
    written to a temporary folder and renamed into place, so a reader never sees half a
    snapshot.
    """
    import pyarrow as pa
    import pyarrow.ipc as ipc

    if not ds.fingerprint:
        raise ValueError("a snapshot needs the data fingerprint")
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"{ds.fingerprint}-fy{ds.fiscal_start_month}"
    if (final / META).exists():
        return final
    tmp = Path(tempfile.mkdtemp(prefix=".part-", dir=root))
    dtypes = {}
    for name in _FRAMES:
        df = getattr(ds, name)
        dtypes[name] = {str(c): str(t) for c, t in df.dtypes.items()}
        table = pa.Table.from_pandas(df, preserve_index=False)
        with pa.OSFile(str(tmp / f"{name}.arrow"), "wb") as sink:
            with ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
    meta = {
        "format": FORMAT,
        "spec": normalize_spec(spec),
        "source": ds.source,
        "fingerprint": ds.fingerprint,
        "as_of": None if ds.as_of is None else ds.as_of.isoformat(),
        "fiscal_start_month": ds.fiscal_start_month,
        "row_counts": {k: int(v) for k, v in ds.row_counts.items()},
        "absent": sorted(ds.absent),
        "derived": dict(ds.derived),
        "warnings": list(ds.warnings),
        "dtypes": dtypes,
    }
    (tmp / META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    try:
        tmp.rename(final)
    except OSError:  # another process wrote the same snapshot first
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def meta(folder) -> dict | None:
    """The snapshot's ``dataset.json``, or None when there is no readable snapshot."""
    try:
        m = json.loads((Path(folder) / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return m if m.get("format") == FORMAT else None


def read(folder) -> Dataset:
    """The :class:`Dataset` of a snapshot, exactly as it was written (no validation: it
    was validated before it was written). Tables are memory-mapped Arrow files."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    folder = Path(folder)
    m = meta(folder)
    if m is None:
        raise FileNotFoundError(f"no data snapshot in {folder}")
    frames = {}
    for name in _FRAMES:
        with pa.memory_map(str(folder / f"{name}.arrow"), "r") as src:
            table = ipc.open_file(src).read_all()
        df = table.to_pandas()
        want = m["dtypes"][name]
        for col, dtype in want.items():  # e.g. object text columns come back as str
            if str(df[col].dtype) != dtype:
                df[col] = df[col].astype(dtype)
        frames[name] = df
    as_of = m["as_of"]
    return Dataset(
        **frames,
        source=m["source"],
        fingerprint=m["fingerprint"],
        as_of=None if as_of is None else pd.Timestamp(as_of),
        fiscal_start_month=int(m["fiscal_start_month"]),
        row_counts=dict(m["row_counts"]),
        absent=frozenset(m.get("absent", ())),
        derived=dict(m.get("derived", {})),
        warnings=tuple(m.get("warnings", ())),
    )


def lookup(spec, fiscal_start_month: int | None = None) -> Path | None:
    """The batch's snapshot folder when ``$SALESMEASURE_SNAPSHOT`` names one taken from
    ``spec`` (with the same fiscal start month, when one is asked for); else None."""
    folder = os.environ.get(ENV)
    if not folder:
        return None
    m = meta(folder)
    if m is None or m.get("spec") != normalize_spec(spec):
        return None
    if fiscal_start_month and int(fiscal_start_month) != int(m["fiscal_start_month"]):
        return None
    return Path(folder)


@dataclass
class Published:
    """A snapshot a batch has named in the environment (see :func:`publish`)."""

    folder: Path
    root: Path
    previous: str | None
    owned: bool
    #: the snapshot read back (memory-mapped): the batch uses it instead of its loaded copy
    dataset: Dataset | None = None


def publish(ds: Dataset, spec, root=None) -> Published:
    """Write ``ds`` as a snapshot and name it in ``$SALESMEASURE_SNAPSHOT``, so processes
    started from now on (workers and their kernels) read it instead of the source.

    ``root`` defaults to a new temporary folder, removed by :func:`release`.
    """
    owned = root is None
    root = Path(tempfile.mkdtemp(prefix="salesmeasure-snapshot-")) if owned else Path(root)
    if owned:  # removed by release(), or at exit should the batch fail before it
        import atexit

        atexit.register(shutil.rmtree, root, True)
    folder = write(ds, root, spec=spec)
    previous = os.environ.get(ENV)
    os.environ[ENV] = str(folder)
    return Published(folder=folder, root=root, previous=previous, owned=owned, dataset=read(folder))


def trim() -> None:
    """Give memory freed by Python, Arrow and the C allocator back to the system (after a
    loaded Dataset is dropped for its memory-mapped snapshot)."""
    import ctypes
    import gc

    import pyarrow as pa

    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def release(published: Published | None) -> None:
    """Undo :func:`publish`: restore the environment, remove a temporary snapshot."""
    if published is None:
        return
    if published.previous is None:
        os.environ.pop(ENV, None)
    else:
        os.environ[ENV] = published.previous
    if published.owned:
        shutil.rmtree(published.root, ignore_errors=True)


def with_source(ds: Dataset, label: str) -> Dataset:
    """``ds`` labelled as read from ``label`` (the label a kernel's own read would give)."""
    return ds if not label or label == ds.source else replace(ds, source=label)
