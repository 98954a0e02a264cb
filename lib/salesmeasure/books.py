"""The pack's books: company-level results computed once, and each report's slice of them.

A region's report that refits a model on the region alone shows another number for the
same customer or target than the all-regions report. So the results a model gives about
many owners at once are computed once for the whole company, per data fingerprint,
valuation date (or period) and parameters, and every report shows its slice:

* the purchase and spend models fitted on ALL customers and every customer's value
  (:func:`customer_value`; a region's report filters the customers of the region);
* the forecast of the company's next period, its proposed target and the allocation of
  that target to regions and reps at one common P(attain) (:func:`company_targets`; a
  region's report shows the region's row and its reps' rows).

The results are kept under a key of the data fingerprint, the region and size of the
data they were computed on, the parameters and the code version:

* in the process (a notebook kernel keeps them across the reports it runs, and a notebook
  run interactively with ``region = "North"`` computes the company result and slices it,
  so it shows the batch's numbers);
* during a batch, also on disk in the batch's data snapshot folder (``books/``, beside
  the fitted models' ``fits/``), so the other workers' kernels reuse them.

A region-only model may appear in a report only as a named second opinion, never as
the headline figure.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

import pandas as pd

from salesmeasure import __version__

__all__ = [
    "CODE_VERSION",
    "customer_value",
    "forget",
    "region_customers",
    "remembered",
    "slice_value",
]

_LIB = Path(__file__).resolve().parent


def _code_version() -> str:
    """The library version and a digest of its analytics' source: a cached result of an
    older code is never read back."""
    h = hashlib.sha256(__version__.encode())
    for sub in ("books.py", "clv", "targets", "retention.py", "survey"):
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
    return (fp, str(getattr(ds, "region", "all") or "all"), len(ds.orders))


def _digest(kind: str, parts) -> str:
    return hashlib.sha256(repr((kind, CODE_VERSION, parts)).encode()).hexdigest()[:32]


def _folder() -> Path | None:
    from salesmeasure.data.snapshot import ENV, meta

    snap = os.environ.get(ENV)
    if not snap or meta(snap) is None:
        return None
    return Path(snap) / "books"


class _Raised:
    """A result that is an exception (too little data): kept and raised again."""

    def __init__(self, exc: BaseException):
        self.exc = exc


def remembered(kind: str, parts, compute):
    """``compute()``, or the result kept under ``(kind, parts)`` by an earlier call in this
    process or, during a batch, by another worker. An ``InsufficientData`` raised by
    ``compute`` is kept too and raised again."""
    from salesmeasure.errors import InsufficientData

    k = _digest(kind, parts)
    got = _PROCESS.get(k)
    folder = _folder()
    if got is None and folder is not None:
        try:
            got = pickle.loads((folder / f"{k}.pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            got = None
    if got is None:
        try:
            got = compute()
        except InsufficientData as exc:
            got = _Raised(exc)
        if folder is not None:
            try:
                folder.mkdir(exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
                with os.fdopen(fd, "wb") as f:
                    pickle.dump(got, f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, folder / f"{k}.pickle")
            except (OSError, pickle.PicklingError, TypeError, AttributeError):
                pass  # a full folder or an unpicklable result only costs a recompute
    _PROCESS[k] = got
    _PROCESS.move_to_end(k)
    while len(_PROCESS) > _MAX:
        _PROCESS.popitem(last=False)
    if isinstance(got, _Raised):
        raise got.exc
    return got


# ------------------------------------------------------------------ customer value
def customer_value(
    dataset, observation_end, *, months, discount_rate, margin, model="auto", holdout_weeks=0
):
    """The company's valued customer base: :func:`salesmeasure.clv.pipeline.value_base` of
    ALL the orders of ``dataset`` up to ``observation_end`` (the models fitted on every
    customer), computed once per data, date and settings.

    ``dataset`` must be the whole data set (a report's ``ctx.data``), not a region's slice.
    """
    from salesmeasure.clv.pipeline import value_base

    end = pd.Timestamp(observation_end)
    parts = (
        data_key(dataset), str(end), int(months), float(discount_rate), float(margin), model,
        int(holdout_weeks),
    )  # fmt: skip
    return remembered(
        "customer_value",
        parts,
        lambda: value_base(
            dataset.orders, end, months=months, discount_rate=discount_rate, margin=margin,
            model=model, holdout_weeks=holdout_weeks,
        ),
    )  # fmt: skip


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
