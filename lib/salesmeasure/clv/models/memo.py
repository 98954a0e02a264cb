"""Fitted models remembered by their exact inputs, so a batch fits each model once.

The executive summary and the retention and CLV report value the same customers at the
same date with the same settings (one pipeline, :func:`salesmeasure.clv.pipeline.value_base`),
and the summary values each period it compares: the same maximum-likelihood fits, each
taking seconds to minutes on a million customers. A fit is a deterministic function of
its inputs (the compressed patterns and weights, the starting values and tolerances), so
its result is kept under a digest of those inputs:

* in the process (a notebook kernel keeps it across the reports it runs);
* during a batch, also in the batch's data snapshot folder
  (:mod:`salesmeasure.data.snapshot`), so the other worker's kernel reuses it. The folder
  is private to the batch and removed with it.

A remembered fit is the fitted state itself (parameters, log-likelihood, uncertainty),
so the numbers are the same as a new fit's, bit for bit.

Seeded revenue forecasts (:func:`salesmeasure.targets.forecast.baseline_forecast`) are
kept the same way, as values (:func:`remember_value`, :func:`recall_value`): a region's
target report backtests the allocation on the region's reps, whose forecasts the
all-regions report made already (about 150 ETS fits per report).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

__all__ = ["forget", "key", "recall", "recall_value", "remember", "remember_value"]

#: Fitted states and values kept in this process (most recently used last), at most
#: ``_MAX`` of them and ``_MAX_BYTES`` in all (a target report remembers ~200 forecasts
#: of ~10 kB each; a CLV fit's state is larger).
_PROCESS: OrderedDict[str, bytes] = OrderedDict()
_MAX = 4096
_MAX_BYTES = 512 * 2**20
_bytes = 0


def forget() -> None:
    """Forget every fit remembered in this process (benchmarks time real fits)."""
    global _bytes
    _PROCESS.clear()
    _bytes = 0


def key(*parts) -> str:
    """A digest of a fit's inputs: arrays by dtype, shape and bytes, others by repr."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            arr = np.ascontiguousarray(part)
            h.update(f"{arr.dtype.str}{arr.shape}".encode())
            h.update(arr.tobytes())
        elif isinstance(part, dict):
            h.update(repr(sorted(part.items())).encode())
        else:
            h.update(repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:32]


def _folder() -> Path | None:
    from salesmeasure.data.snapshot import ENV, meta

    snap = os.environ.get(ENV)
    if not snap or meta(snap) is None:
        return None
    return Path(snap) / "fits"


def _blob(k: str) -> bytes | None:
    """The pickle remembered under ``k`` in the process or the batch's folder, or None."""
    blob = _PROCESS.get(k)
    if blob is None and (folder := _folder()) is not None:
        try:
            blob = (folder / f"{k}.pickle").read_bytes()
        except OSError:
            blob = None
    if blob is None:
        return None
    _hold(k, blob)
    return blob


def recall(k: str, model) -> bool:
    """Give ``model`` the fitted state remembered under ``k``; False when there is none."""
    blob = _blob(k)
    if blob is None:
        return False
    model.__dict__.update(pickle.loads(blob))
    return True


def recall_value(k: str):
    """A new copy of the value remembered under ``k`` (:func:`remember_value`), or None."""
    blob = _blob(k)
    return None if blob is None else pickle.loads(blob)


def remember_value(k: str, value) -> None:
    """Keep a computed value (e.g. a seeded revenue forecast) under ``k``, as a fit."""
    _keep(k, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def remember(k: str, model) -> None:
    """Keep ``model``'s fitted state under ``k`` (in the process and the batch's folder)."""
    _keep(k, pickle.dumps(model.__dict__, protocol=pickle.HIGHEST_PROTOCOL))


def _hold(k: str, blob: bytes) -> None:
    """Keep ``blob`` in the process, dropping the least recently used over the bounds."""
    global _bytes
    old = _PROCESS.pop(k, None)
    _bytes += len(blob) - (len(old) if old is not None else 0)
    _PROCESS[k] = blob
    while len(_PROCESS) > 1 and (len(_PROCESS) > _MAX or _bytes > _MAX_BYTES):
        _bytes -= len(_PROCESS.popitem(last=False)[1])


def _keep(k: str, blob: bytes) -> None:
    _hold(k, blob)
    folder = _folder()
    if folder is None:
        return
    try:
        folder.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(tmp, folder / f"{k}.pickle")
    except OSError:  # a full or vanished folder only costs the other kernels a new fit
        pass
