"""The pack's books: company-level results computed once, and each report's slice of them.

A region's report that refits a model on the region alone shows another number for the
same customer or target than the all-regions report. So the results a model gives about
many owners at once are computed once for the whole company, per data fingerprint,
valuation date (or period) and parameters, and every report shows its slice:

* the purchase and spend models fitted on ALL customers (one parameter set per customer
  segment where the data support it, :mod:`salesmeasure.clv.segments`) and every
  customer's value (:func:`customer_value`; a region's report filters the customers of
  the region);
* the forecast of the company's next period, its proposed target and the allocation of
  that target to regions and reps (``targets.build``; a region's report shows the
  region's row and its reps' rows);
* the survey's key-driver model (:func:`salesmeasure.survey.drivers.company_drivers`; a
  region's report shows the company's importances with the region's own scores).

The results are kept under a key of the data fingerprint, the region and size of the
data they were computed on, the parameters and the code version (:data:`CODE_VERSION`, a
digest of the analytics' source, so a changed model never reads an old result):

* in the process (a notebook kernel keeps them across the reports it runs);
* on disk, in one cache the batch's workers and JupyterLab kernels share
  (:func:`cache_dir`): ``$SALESMEASURE_CACHE`` (a folder, or ``off``), else ``[cache]
  dir = "..."`` in the data's ``salesmeasure.toml`` (``enabled = false`` turns it off,
  ``max_mb`` bounds it, default 512 MB), else ``$XDG_CACHE_HOME/salesmeasure/books``
  (``~/.cache/salesmeasure/books``). A result is written to a temporary file and renamed
  into place (a reader sees all of it or nothing); a lock per result makes a second
  process wait for the first instead of computing the same thing; the least recently used
  results go first when the folder outgrows its bound; ``salesmeasure cache clear``
  empties it. With the disk cache off, a batch still shares results between its workers
  in its data snapshot folder (``books/``).

So a notebook run interactively with ``region = "North"`` computes (or reads) the company
result and slices it: it shows the batch's numbers, and after a batch it computes nothing.

A region-only model may appear in a report only as a named second opinion, never as
the headline figure.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from collections import Counter, OrderedDict
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pandas as pd

from salesmeasure import __version__

__all__ = [
    "CACHE_ENV",
    "CODE_VERSION",
    "COUNTS",
    "cache_dir",
    "clear_cache",
    "customer_value",
    "forget",
    "recalled",
    "region_customers",
    "remembered",
    "slice_value",
    "tables_key",
]

_LIB = Path(__file__).resolve().parent


def _code_version() -> str:
    """The library version and a digest of its analytics' source: a cached result of an
    older code is never read back."""
    h = hashlib.sha256(__version__.encode())
    for sub in (
        "books.py",
        "clv",
        "targets",
        "retention.py",
        "survey",
        "stats.py",
        "periods.py",
        "checks.py",
        "errors.py",
        "results.py",
        "absent.py",
        "data",
    ):
        p = _LIB / sub
        files = sorted(p.rglob("*.py")) if p.is_dir() else [p]
        for f in files:
            try:
                h.update(f.read_bytes())
            except OSError:
                pass
    return h.hexdigest()[:16]


#: Part of every key: a result of other code is never reused.
CODE_VERSION = _code_version()

#: Results kept in this process (most recently used last).
_PROCESS: OrderedDict[str, object] = OrderedDict()
_MAX = 32


def forget() -> None:
    """Forget every result kept in this process (tests and benchmarks)."""
    _PROCESS.clear()


def data_key(ds) -> tuple:
    """What identifies the data a result is computed on: its fingerprint (a digest of the
    orders when it has none), the region it is sliced to and its number of orders."""
    fp = getattr(ds, "fingerprint", "") or ""
    if not fp:  # tables built in memory: a digest of their contents
        h = hashlib.sha256()
        for name in ("orders", "customers", "reps", "targets"):
            df = getattr(ds, name, None)
            if isinstance(df, pd.DataFrame):
                h.update(f"{name}{list(df.columns)}".encode())
                h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
        fp = "h" + h.hexdigest()[:16]
    src = getattr(ds, "source", None)
    if src:
        _SOURCE[0] = src  # its salesmeasure.toml may say where the disk cache is
    return (fp, str(getattr(ds, "region", "all") or "all"), len(ds.orders))


def tables_key(ds, names) -> str:
    """A digest of the contents of the tables ``names`` of ``ds``: for a result that reads
    tables beyond the orders (:func:`data_key` identifies a loaded data set by its
    fingerprint, which a copy with a table replaced in memory keeps)."""
    h = hashlib.sha256()
    for name in names:
        df = getattr(ds, name, None)
        if isinstance(df, pd.DataFrame):
            h.update(f"{name}{list(df.columns)}{len(df)}".encode())
            h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
        else:
            h.update(f"{name}:absent".encode())
    return h.hexdigest()[:16]


def _digest(kind: str, parts) -> str:
    return hashlib.sha256(repr((kind, CODE_VERSION, parts)).encode()).hexdigest()[:32]


#: Environment variable naming the disk cache folder ("off" turns it off).
CACHE_ENV = "SALESMEASURE_CACHE"
#: Default bound of the disk cache; the least recently used results go first.
CACHE_MAX_MB = 512
#: How long a process waits for another computing the same result before computing it too.
LOCK_WAIT_S = 900.0

#: What this process computed and read back, by kind (tests and benchmarks count them).
COUNTS: dict[str, Counter] = {"computed": Counter(), "disk": Counter(), "process": Counter()}

_HELD = [0]  # locks this process holds (nested computations take none)
_SOURCE: list = [None]  # the source of the data last keyed (its salesmeasure.toml)


def _settings(source) -> dict:
    """``[cache]`` of the data's ``salesmeasure.toml`` (``dir``, ``enabled``, ``max_mb``)."""
    if not source or "://" in str(source):
        return {}
    try:
        from salesmeasure import config

        cfg = config.find(source)
    except Exception:  # noqa: BLE001 -- a bad file is reported by the loader, not here
        return {}
    raw = dict(cfg.settings.get("cache", {}) or {})
    if "dir" in raw:
        raw["dir"] = str(cfg.resolve(str(raw["dir"])))
    return raw


def cache_dir(source=None) -> Path | None:
    """The disk cache folder shared by the batch and JupyterLab, or None when it is off.

    In order: ``$SALESMEASURE_CACHE`` (a folder, or ``off``); ``[cache] dir = "..."`` of
    the data's ``salesmeasure.toml`` (relative to the file; ``enabled = false`` turns it
    off); else ``$XDG_CACHE_HOME/salesmeasure/books`` (``~/.cache/salesmeasure/books``).
    """
    env = os.environ.get(CACHE_ENV)
    if env is not None and env.strip():
        if env.strip().lower() in ("off", "0", "false", "no", "none"):
            return None
        return Path(env).expanduser()
    raw = _settings(source if source is not None else _SOURCE[0])
    if raw.get("enabled", True) is False:
        return None
    if raw.get("dir"):
        return Path(raw["dir"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "salesmeasure" / "books"


def _max_bytes() -> int:
    mb = _settings(_SOURCE[0]).get("max_mb", CACHE_MAX_MB)
    try:
        return int(float(mb) * 1024 * 1024)
    except (TypeError, ValueError):
        return CACHE_MAX_MB * 1024 * 1024


def _batch_folder() -> Path | None:
    from salesmeasure.data.snapshot import ENV, meta

    snap = os.environ.get(ENV)
    if not snap or meta(snap) is None:
        return None
    return Path(snap) / "books"


def _folder() -> Path | None:
    """Where results are kept on disk: the shared disk cache, or (when it is off) during
    a batch the batch's snapshot folder, so its workers still share them."""
    d = cache_dir()
    return d if d is not None else _batch_folder()


def clear_cache(folder=None) -> int:
    """Remove every result of the disk cache; returns how many files went."""
    d = Path(folder) if folder is not None else cache_dir()
    if d is None or not d.is_dir():
        return 0
    n = 0
    for f in d.iterdir():
        if f.suffix in (".pickle", ".part", ".lock") and f.is_file():
            try:
                f.unlink()
                n += 1
            except OSError:
                pass
    return n


def _prune(folder: Path, keep: int) -> None:
    """Remove the least recently used results until the folder holds at most ``keep``
    bytes (a read touches a result, so the batch's current ones stay)."""
    try:
        files = [(f.stat(), f) for f in folder.glob("*.pickle")]
    except OSError:
        return
    total = sum(st.st_size for st, _f in files)
    for st, f in sorted(files, key=lambda x: x[0].st_mtime):
        if total <= keep:
            break
        try:
            f.unlink()
            (folder / f"{f.stem}.lock").unlink(missing_ok=True)
        except OSError:
            continue
        total -= st.st_size


class _Raised:
    """A result that is an exception (too little data): kept and raised again. Its words
    are in the language of the report that raised it (``lang``): a report in another
    language computes its own (the results themselves hold no words and are shared)."""

    def __init__(self, exc: BaseException, lang: str | None = None):
        self.exc = exc
        self.lang = lang


def _lang() -> str:
    from salesmeasure.i18n import get_language

    return get_language()


def _read(path: Path):
    try:
        got = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None
    try:
        os.utime(path)  # recently used: pruned last
    except OSError:
        pass
    return got


def _write(folder: Path, path: Path, got) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(got, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # atomic: a reader sees the whole result or none
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return  # a full disk or an unpicklable result only costs a recompute
    _prune(folder, _max_bytes())


@contextmanager
def _lock(folder: Path, k: str):
    """An exclusive lock on result ``k`` between processes, so two workers (or the batch
    and a lab kernel) do not compute the same result at once; given up after
    :data:`LOCK_WAIT_S` (then both compute, and the last atomic write wins)."""
    try:
        import fcntl
    except ImportError:  # no fcntl (Windows): no lock, atomic writes only
        yield
        return
    if _HELD[0]:  # a result computed inside another's computation: only the outer one
        yield  # locks, so two processes never wait on each other's inner results
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / f"{k}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
        _HELD[0] += 1
        try:
            yield
        finally:
            _HELD[0] -= 1
    finally:
        os.close(fd)  # releases the lock


def remembered(kind: str, parts, compute):
    """``compute()``, or the result kept under ``(kind, parts)`` by an earlier call in this
    process or by another process (a batch's worker, a JupyterLab kernel) in the disk cache
    (:func:`cache_dir`). ``parts`` must hold everything the result depends on (the data's
    :func:`data_key`, dates, parameters); the code version is added. An
    ``InsufficientData`` raised by ``compute`` is kept too and raised again."""
    from salesmeasure.errors import InsufficientData

    k = _digest(kind, parts)
    lang = _lang()
    k_lang = _digest(kind, (*parts, f"raised in {lang}"))  # a reason in this language
    got = _PROCESS.get(k_lang)
    if got is None:
        got = _PROCESS.get(k)
    if isinstance(got, _Raised) and getattr(got, "lang", None) != lang:
        got = _compute(kind, compute, InsufficientData)
        _PROCESS[k_lang] = got
        _PROCESS.move_to_end(k_lang)
        if isinstance(got, _Raised):
            raise got.exc
        return got
    if got is not None:
        COUNTS["process"][kind] += 1
    folder = _folder() if got is None else None
    if folder is not None:
        path = folder / f"{k}.pickle"
        got = _read(path)
        if got is None:
            with _lock(folder, k):
                got = _read(path)  # another process may have finished it meanwhile
                if got is None:
                    got = _compute(kind, compute, InsufficientData)
                    _write(folder, path, got)
                else:
                    COUNTS["disk"][kind] += 1
        else:
            COUNTS["disk"][kind] += 1
    elif got is None:
        got = _compute(kind, compute, InsufficientData)
    if isinstance(got, _Raised) and getattr(got, "lang", None) != lang:
        got = _compute(kind, compute, InsufficientData)  # another language's reason
        key = k_lang
    else:
        key = k
    _PROCESS[key] = got
    _PROCESS.move_to_end(key)
    while len(_PROCESS) > _MAX:
        _PROCESS.popitem(last=False)
    if isinstance(got, _Raised):
        raise got.exc
    return got


def recalled(kind: str, parts):
    """The result :func:`remembered` keeps under ``(kind, parts)``, from this process or
    the disk cache, else None: nothing is computed (a kept ``InsufficientData`` is None
    too). For a process that reads what another computed (the batch, the summaries'
    index lines: :mod:`salesmeasure.headlines`)."""
    k = _digest(kind, parts)
    got = _PROCESS.get(k)
    if got is None:
        folder = _folder()
        if folder is not None:
            got = _read(folder / f"{k}.pickle")
            if got is not None:
                COUNTS["disk"][kind] += 1
    return None if got is None or isinstance(got, _Raised) else got


def _compute(kind, compute, insufficient):
    COUNTS["computed"][kind] += 1
    try:
        return compute()
    except insufficient as exc:
        return _Raised(exc, _lang())


# ------------------------------------------------------------------ customer value
def customer_value(
    dataset, observation_end, *, months, discount_rate, margin, model="auto", holdout_weeks=0
):
    """The company's valued customer base: :func:`salesmeasure.clv.pipeline.value_base` of
    ALL the orders of ``dataset`` up to ``observation_end`` (the models fitted on every
    customer), computed once per data, date and settings.

    ``dataset`` must be the whole data set (a report's ``ctx.data``), not a region's slice.
    The customers' segments (``customers.segment``, when the data have it) go to the
    pipeline, which chooses pooled or per-segment models; that choice is part of the
    result kept, and the segments, the test's level and its smallest segment part of the
    key.
    """
    from salesmeasure.clv import segments as seg
    from salesmeasure.clv.pipeline import value_base

    end = pd.Timestamp(observation_end)
    segments = _segments(dataset)
    seg_key = (
        "segments", seg.ALPHA, seg.MIN_SEGMENT_REPEAT,
        hashlib.sha256(pd.util.hash_pandas_object(segments).to_numpy().tobytes()).hexdigest()[:16],
    )  # fmt: skip
    parts = (
        data_key(dataset), str(end), int(months), float(discount_rate), float(margin), model,
        int(holdout_weeks), seg_key,
    )  # fmt: skip
    return remembered(
        "customer_value",
        parts,
        lambda: value_base(
            dataset.orders, end, months=months, discount_rate=discount_rate, margin=margin,
            model=model, holdout_weeks=holdout_weeks, segments=segments,
        ),
    )  # fmt: skip


def _segments(dataset) -> pd.Series:
    """Customer id -> segment of the data set's customers (empty without the column: the
    models are then pooled, and the report says why)."""
    c = getattr(dataset, "customers", None)
    if not isinstance(c, pd.DataFrame) or not {"customer_id", "segment"} <= set(c.columns):
        return pd.Series(dtype=object)
    s = c.drop_duplicates("customer_id").set_index("customer_id")["segment"]
    return s.astype(object)


def region_customers(dataset, region: str) -> pd.Index:
    """The ids of the customers of ``region`` (every customer for ``"all"``)."""
    c = dataset.customers
    if region != "all":
        c = c[c["region"] == region]
    return pd.Index(c["customer_id"].unique())


def slice_value(value, ids):
    """The company's :class:`~salesmeasure.clv.pipeline.CustomerValue` restricted to the
    customers ``ids`` (values and purchase histories; the models are the company's)."""
    keep = value.values.index.intersection(pd.Index(ids))
    summary = value.summary
    summary = replace(summary, frame=summary.frame.loc[keep])
    return replace(value, values=value.values.loc[keep], summary=summary)


def region_value(
    dataset, region, observation_end, *, months, discount_rate, margin, holdout_weeks=0
):
    """The slice of the company's customer value that belongs to ``region``."""
    cv = customer_value(
        dataset, observation_end, months=months, discount_rate=discount_rate, margin=margin,
        holdout_weeks=holdout_weeks,
    )  # fmt: skip
    if region == "all":
        return cv
    return slice_value(cv, region_customers(dataset, region))
