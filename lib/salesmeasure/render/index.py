"""Step 5 of a batch: the index pages (per period, and the top-level list of periods).

Built from the per-report records on disk (``<period>/<region>/<notebook>.json``), so a
partial re-run (one region) still yields a complete grid. Rendered with jinja2
autoescaping: region names, messages and headline values from data stay text.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from salesmeasure import format as sm_format
from salesmeasure.errors import SalesmeasureError
from salesmeasure.headlines import ARROWS, INDEX_KPIS, index_line
from salesmeasure.i18n import N_, _, get_language, ngettext

from .export import template_dir
from .guard import mask_secrets
from .planner import ALL
from .store import ReportRecord, atomic_write, read_record

__all__ = [
    "INDEX_KPIS",
    "format_value",
    "load_records",
    "scorecards",
    "write_period_index",
    "write_root_index",
]

_STATUS_TEXT = {  # translated where shown
    "ok": N_("ready"),
    "skipped": N_("ready (unchanged)"),
    "failed": N_("failed"),
    "missing": N_("not rendered"),
}


@lru_cache(maxsize=2)
def _env(root: str):
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(root) / "index")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    # _() in the templates: the current report language at render time (extracted by
    # `make messages` through babel.cfg's jinja2 section)
    env.install_gettext_callables(_, ngettext, newstyle=False)
    return env


def _render(name: str, **ctx) -> str:
    root = template_dir()
    from markupsafe import Markup

    # our own stylesheet, trusted: not escaped (escaping would break quoted font names)
    css = Markup((root / "index" / "index.css").read_text(encoding="utf-8"))
    ctx.setdefault("languages", [])
    return _env(str(root)).get_template(name).render(css=css, lang=get_language(), **ctx)


def format_value(v) -> str:
    """Readable headline value: thousands separators, 3 significant digits for small floats."""
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if not math.isfinite(v):
            from salesmeasure.format import missing

            return missing()
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"
    return str(v)


def scorecards(ds, period: str, regions: list[str], *, thresholds: dict | None = None) -> dict:
    """Headline KPIs per region for the index (:func:`salesmeasure.headlines.index_line`),
    read from each region's :class:`~salesmeasure.kpi.scorecard.Scorecard` numbers
    (without the CLV fits) and formatted exactly as the executive summary shows them,
    with the status symbol by ``thresholds`` (the summary's:
    :func:`salesmeasure.targets.kpi_targets.config_thresholds` of the data's
    ``salesmeasure.toml``; default, the documented ones). The batch calls this only for
    the regions whose summary did not keep its line (:func:`salesmeasure.headlines.kept`).

    A region whose data cannot give a scorecard (thin data) gets an empty row.

    The KPI library (scipy, statsmodels, matplotlib: 1.2 s) is imported here, not before
    the batch reads the data: a render that stops on bad data or options stops that much
    sooner, and one whose summaries kept every line never imports it.
    """
    from salesmeasure import kpi

    out = {}
    for region in regions:
        try:
            card = kpi.scorecard(ds, period, region, with_clv=False, thresholds=thresholds)
        except SalesmeasureError:  # thin data: no headline for this region
            out[region] = {}
            continue
        out[region] = index_line(card)
    return out


def _split_trend(text: str) -> tuple[str, str]:
    """``"2.15M ● ↑ +51.6k"`` -> ``("2.15M ●", "↑ +51.6k")``: value and change, shown on
    two lines of the index."""
    cut = min((i for i in (text.find(a) for a in ARROWS.values()) if i >= 0), default=-1)
    return (text, "") if cut < 0 else (text[:cut].rstrip(), text[cut:])


#: CSS class of each status (templates/index/index.css colours them as the reports do).
_STATUS_CLASS = {"good": "good", "watch": "watch", "bad": "bad", "n/a": "na"}


def _split_status(value: str) -> tuple[str, str, str]:
    """``"622.2k ●"`` -> ``("622.2k", "●", "good")``: the figure, its status symbol and
    the symbol's CSS class, so the index colours the symbol (its shape alone was the
    only cue, all in black); ``(value, "", "")`` for a value without one."""
    head, _sep, last = value.rpartition(" ")
    for code, symbol in sm_format.STATUS_SYMBOLS.items():
        if last == symbol and head:
            return head, symbol, _STATUS_CLASS[code]
    return value, "", ""


def load_records(period_dir: Path) -> list[ReportRecord]:
    """Every report record stored under one period folder."""
    recs = [read_record(p) for p in sorted(Path(period_dir).glob("*/*.json"))]
    return [r for r in recs if r is not None]


def _href(*parts: str) -> str:
    return "/".join(quote(p) for p in parts)


def write_period_index(
    period_dir: Path,
    *,
    period: str,
    notebooks: list[tuple[str, str]],
    regions: list[tuple[str, str]],
    fingerprint: str,
    version: str,
    scorecards: dict | None = None,
    languages: list | None = None,
    current: list[ReportRecord] | None = None,
) -> Path:
    """Write ``<period>/index.html`` and ``manifest.json``.

    Parameters
    ----------
    notebooks : list of (name, title)
        Columns, in order; notebooks found only in older records are appended.
    regions : list of (region, slug)
        Rows, in order (``all`` first); regions found only in older records are appended.
    scorecards : dict, optional
        region -> dict of headline label -> value, shown under the region name.
    languages : list of (name, href, current), optional
        The language switch (:func:`salesmeasure.render.batch.language_links`).
    current : list of ReportRecord, optional
        This run's records, over those stored (a record the disk had no room for is
        still shown).
    """
    period_dir = Path(period_dir)
    records = {(r.region_slug, r.notebook): r for r in load_records(period_dir)}
    records.update({(r.region_slug, r.notebook): r for r in current or ()})
    nb_cols = list(notebooks)
    for r in records.values():
        if r.notebook not in [n for n, _ in nb_cols]:
            nb_cols.append((r.notebook, r.title or r.notebook))
    rows_def = list(regions)
    for r in records.values():
        if r.region_slug not in [s for _, s in rows_def]:
            rows_def.append((r.region, r.region_slug))
    counts = {"ok": 0, "failed": 0, "missing": 0}
    rows = []
    for region, slug in rows_def:
        cells = []
        for nb, _title in nb_cols:
            rec = records.get((slug, nb))
            status = rec.status if rec else "missing"
            counts["ok" if status == "skipped" else status] += 1
            links = []
            if rec:  # the .ipynb stays beside them for analysts, unlinked (issue 20)
                for fmt in ("html", "pdf"):
                    if fmt in rec.outputs and (period_dir / slug / rec.outputs[fmt]).exists():
                        links.append((fmt.upper(), _href(slug, rec.outputs[fmt])))
            cells.append(
                {
                    "status": status,
                    "status_text": _(_STATUS_TEXT[status]),
                    "links": links,
                    "headline": [
                        (str(k), format_value(v))
                        for k, v in list((rec.headline if rec else {}).items())[:4]
                    ],
                    "error": mask_secrets(rec.error.describe()) if rec and rec.error else "",
                }
            )
        card = (scorecards or {}).get(region) or {}
        rows.append(
            {
                "region": _("All regions") if region == ALL else sm_format.label("region", region),
                "cells": cells,
                "scorecard": [
                    (str(k), *_split_status(value), trend)
                    for k, v in list(card.items())[:4]
                    for value, trend in [_split_trend(format_value(v))]
                ],
            }
        )
    # the KPI names once, as column heads over every region's values
    kpi_heads = next(([s[0] for s in r["scorecard"]] for r in rows if r["scorecard"]), [])
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    html = _render(
        "period.html.j2",
        period=sm_format.period(period),
        generated=generated,
        counts=counts,
        notebooks=[{"name": n, "title": t} for n, t in nb_cols],
        rows=rows,
        kpi_heads=kpi_heads,
        legend=[
            (sym, _(sm_format.STATUS_WORDS[k]), _STATUS_CLASS[k])
            for k, sym in sm_format.STATUS_SYMBOLS.items()
        ],
        status_words={_STATUS_CLASS[k]: _(w) for k, w in sm_format.STATUS_WORDS.items()},
        arrows=ARROWS,
        fingerprint=fingerprint,
        version=version,
        languages=languages or [],
    )
    manifest = {
        "period": period,
        "generated": generated,
        "fingerprint": fingerprint,
        "version": version,
        "counts": counts,
        "reports": [json.loads(r.to_json()) for r in records.values()],
    }
    atomic_write(period_dir / "manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
    return atomic_write(period_dir / "index.html", html)


def write_root_index(out: Path, *, languages: list | None = None) -> Path:
    """Write ``<out>/index.html`` listing every period folder that has a manifest."""
    out = Path(out)
    periods = []
    for m in sorted(out.glob("*/manifest.json"), reverse=True):
        try:
            d = json.loads(m.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        c = d.get("counts", {})
        periods.append(
            {
                "period": sm_format.period(str(d.get("period", m.parent.name))),
                "href": _href(m.parent.name, "index.html"),
                "ok": c.get("ok", 0),
                "failed": c.get("failed", 0),
                "generated": str(d.get("generated", "")),
            }
        )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return atomic_write(
        out / "index.html",
        _render("root.html.j2", periods=periods, generated=generated, languages=languages or []),
    )
