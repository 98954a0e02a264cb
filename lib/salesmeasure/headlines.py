"""A region's line on the index: its headline KPIs as its executive summary words them.

The index shows four KPIs of each region's scorecard (:data:`INDEX_KPIS`), with their
status and change. The executive summary computes that scorecard anyway; so that the
index reads the summary's own figures (one set of books) and the batch does not compute
every region's scorecard again (1.5 s of every render, most of it importing the KPI
library), the summary keeps its region's line in the books (:func:`keep`) and the batch
reads it (:func:`kept`). Only a region whose summary did not run in the batch (another
notebook alone, or an unchanged report without the disk cache) is computed by the batch
(:func:`salesmeasure.render.index.scorecards`, with the same :func:`index_line`).

A line is kept under the data (:func:`salesmeasure.books.data_key`), the period, the
region, the language and currency it is worded in, the ``[kpi]`` settings of the data's
``salesmeasure.toml`` (the thresholds) and a digest of the code and translations that
word it (:data:`WORDING`), beside the books' own code version.

Light on purpose: the batch imports this module, not the KPI library.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from salesmeasure import books
from salesmeasure import format as sm_format
from salesmeasure.i18n import _

__all__ = ["ARROWS", "INDEX_KPIS", "WORDING", "index_line", "keep", "kept"]

#: The scorecard KPIs shown under each region on the index.
INDEX_KPIS = ("revenue", "attainment", "retention_rate", "nps")

#: Change arrows of the index (not the status symbols ▲/■, which mean watch/action).
ARROWS = {1: "↑", -1: "↓", 0: "→"}

_LIB = Path(__file__).resolve().parent


def _wording() -> str:
    h = hashlib.sha256()
    for sub in ("headlines.py", "kpi", "format.py", "i18n.py", "locale"):
        p = _LIB / sub
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if f.suffix in (".py", ".po", ".mo") and f.is_file():
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


#: A digest of what words a line (this module, the KPI package, the number formats and
#: the translations): a line worded by other code is never read back.
WORDING = _wording()


def index_line(card) -> dict[str, str]:
    """``{"Revenue (CNY)": "2.15M ● ↑ +51.6k", ...}``: the :data:`INDEX_KPIS` of a
    :class:`~salesmeasure.kpi.scorecard.Scorecard`, valued as the summary shows them,
    with the status symbol and the change against the previous period."""
    from salesmeasure.kpi.text import kpi_labels, kpi_value

    labels = kpi_labels(card)
    return {
        labels[k]: f"{kpi_value(card, k)} {_symbol(card, k)}{_trend(card, k)}"
        for k in INDEX_KPIS
        if k in card
    }


def _symbol(card, k: str) -> str:
    symbols = sm_format.STATUS_SYMBOLS
    return symbols.get(card.loc[k, "status"], symbols["n/a"])


def _trend(card, k: str) -> str:
    """`` ↑ +51.6k`` against the previous period (`` (n.s.)`` when a test says the change
    is not significant); empty when there is no comparable value or the KPI is suppressed."""
    r = card.loc[k]
    d = r.get("change_prev")
    if r["suppressed"] or not sm_format.is_number(d):
        return ""
    unit = r["unit"]
    if unit == "share":
        text = sm_format.points(d * 100)
    elif unit == "currency":
        text = sm_format.money(d, signed=True)
    elif unit == "count":
        text = sm_format.number(d, signed=True)
    else:
        text = sm_format.number(d, decimals=1, signed=True)
    arrow = ARROWS[int(d > 0) - int(d < 0)]
    if r.get("significant_prev") is False:
        text += " " + _("(n.s.)")
    return f" {arrow} {text}"


def _parts(ds, period: str, region: str, kpi_settings) -> tuple:
    from salesmeasure.i18n import get_language

    settings = json.dumps(kpi_settings or {}, sort_keys=True, default=str)
    currency = sm_format.get_currency() or ""
    return (books.data_key(ds), str(period), str(region), get_language(), currency, settings,
            WORDING)  # fmt: skip


def keep(ds, period: str, region: str, kpi_settings, line) -> None:
    """Keep ``line()`` (a dict, ``{}`` for a region without a scorecard) as the index line
    of ``region`` in ``period`` of the whole data set ``ds``, in the current language and
    currency; ``kpi_settings`` is the ``[kpi]`` table of the data's ``salesmeasure.toml``.
    ``line`` is not called when the books hold the line already."""
    books.remembered("index_line", _parts(ds, period, region, kpi_settings), line)


def kept(ds, period: str, region: str, kpi_settings) -> dict | None:
    """The line :func:`keep` kept for these (in this process or the disk cache; during a
    batch, its snapshot's books), or None."""
    got = books.recalled("index_line", _parts(ds, period, region, kpi_settings))
    return got if isinstance(got, dict) else None
