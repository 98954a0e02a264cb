"""What every report notebook shares: parameter validation, data loading, formatting.

A notebook's validation cell is one call::

    ctx = report.prepare(period=period, region=region, data_path=data_path)

which checks the parameters (a clear :class:`ParameterError` names the bad one), loads and
validates the data (cached per process, so a batch that renders many reports from the
same source loads it once), slices it, sets the chart theme and returns a
:class:`ReportContext`.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from salesmeasure import __version__
from salesmeasure.data import Dataset, load
from salesmeasure.errors import DataError, ParameterError, PeriodError
from salesmeasure.i18n import N_
from salesmeasure.periods import Period

#: Environment variable naming the default data directory.
DATA_ENV = "SALESMEASURE_DATA"


def default_data_dir() -> Path:
    """The data directory used when a notebook's ``data_path`` is empty.

    ``$SALESMEASURE_DATA`` when set, else the embedded sample data ``data/sample`` of the
    project checkout this library is installed from.
    """
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "data" / "sample"
        if (cand / "orders.csv").exists() or (cand / "orders.parquet").exists():
            return cand
    raise ParameterError(
        "no data_path given and no sample data found: set data_path to the folder holding "
        f"your tables, or set ${DATA_ENV}"
    )


def resolve_data_path(data_path: str | os.PathLike | None) -> Path:
    if data_path is None or str(data_path).strip() == "":
        return default_data_dir()
    if "://" in str(data_path):  # a database URL
        return str(data_path)
    return Path(str(data_path)).expanduser()


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime_key: tuple, fiscal_start_month: int | None) -> Dataset:
    return load(path, fiscal_start_month=fiscal_start_month)


@lru_cache(maxsize=2)
def _snapshot_cached(folder: str, fingerprint: str, label: str) -> Dataset:
    from salesmeasure.data import snapshot

    return snapshot.with_source(snapshot.read(folder), label)


def load_cached(path, *, fiscal_start_month: int | None = None) -> Dataset:
    """:func:`salesmeasure.data.load`, cached while the files are unchanged.

    In a batch (``salesmeasure render``), the data the batch loaded and validated once,
    read from its snapshot (:mod:`salesmeasure.data.snapshot`) when ``path`` is the source
    it was taken from.
    """
    from salesmeasure.data import snapshot

    folder = snapshot.lookup(path, fiscal_start_month)
    if folder is not None:
        meta = snapshot.meta(folder) or {}
        label = meta.get("source", "")
        if "://" not in str(path):  # a folder's or workbook's label as a read here gives it
            label = str(Path(path).resolve())
        return _snapshot_cached(str(folder), meta.get("fingerprint", ""), label)
    if "://" in str(path):  # a database: read each time (its fingerprint needs a read)
        from salesmeasure.data import load

        return load(str(path), fiscal_start_month=fiscal_start_month)
    p = Path(path).resolve()
    key = (
        tuple(
            sorted(
                (f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in p.glob("*") if f.is_file()
            )
        )
        if p.is_dir()
        else ()
    )
    return _load_cached(str(p), key, fiscal_start_month)


@dataclass(frozen=True)
class ReportContext:
    """Everything a report section needs.

    Attributes
    ----------
    data : Dataset
        The whole validated data set (all regions, all dates).
    view : Dataset
        The slice for the report: its region, rows up to the period end.
    period : Period
    region : str
        ``"all"`` or the canonical region name.
    data_path : Path
    """

    data: Dataset
    view: Dataset
    period: Period
    region: str
    data_path: Path

    @property
    def region_label(self) -> str:
        from salesmeasure import format as fmt
        from salesmeasure.i18n import _

        if self.region == "all":
            return _("All regions")
        return _("{region} region").format(region=fmt.label("region", self.region))

    @property
    def title_suffix(self) -> str:
        from salesmeasure import format as fmt
        from salesmeasure.i18n import _

        return _("{region}, {period}").format(
            region=self.region_label, period=fmt.period(self.period)
        )

    @property
    def period_complete(self) -> bool:
        return self.data.as_of is not None and self.period.is_complete(self.data.as_of)


def prepare(
    *,
    period: str,
    region: str = "all",
    data_path: str | os.PathLike | None = "",
    fiscal_start_month: int | None = None,
    lang: str = "en",
    currency: str = "",
    **extra,
) -> ReportContext:
    """Validate report parameters, load the data and slice it.

    Extra keyword arguments are checked by simple rules: names ending in ``_rate``,
    ``attainability``, ``confidence`` and ``margin`` must lie in (0, 1] (``margin`` and
    ``_rate`` may be 0); names ending in ``_months`` must be positive whole numbers, in
    ``_weeks`` whole numbers >= 0 (0: the default).
    ``lang`` (``"en"`` or ``"zh-CN"``) sets the report language
    (:func:`salesmeasure.i18n.set_language`) for the rest of the notebook.

    Raises
    ------
    ParameterError
        A parameter is not usable; the message names it and says what is expected.
    """
    from salesmeasure.i18n import set_language
    from salesmeasure.plots.palette import set_regions
    from salesmeasure.plots.theme import set_theme

    set_language(lang)  # first: the report's words, numbers and charts follow it
    try:
        p = Period.parse(period, fiscal_start_month=fiscal_start_month or 1)
    except PeriodError as exc:
        raise ParameterError(f"parameter 'period': {exc}") from None
    for name, value in extra.items():
        _check_extra(name, value)
    path = resolve_data_path(data_path)
    try:
        data = load_cached(path, fiscal_start_month=fiscal_start_month)
    except DataError as exc:
        raise ParameterError(f"parameter 'data_path': {exc}") from None
    if fiscal_start_month is None and data.fiscal_start_month != 1:
        p = Period.parse(period, fiscal_start_month=data.fiscal_start_month)
    if data.as_of is not None and p.start > data.as_of:
        raise ParameterError(
            f"parameter 'period': {p.label} starts {p.start:%Y-%m-%d}, after the data ends "
            f"({data.as_of:%Y-%m-%d})"
        )
    try:
        reg = data.resolve_region(region)
    except ValueError as exc:
        raise ParameterError(f"parameter 'region': {exc}") from None
    view = data.slice(period=p, region=reg)
    _set_currency(currency, path)
    _set_labels(path)
    set_theme()
    set_regions(data.regions)  # a region's colour is the same in every chart of the pack
    return ReportContext(data=data, view=view, period=p, region=reg, data_path=path)


def _set_currency(currency: str, path) -> None:
    """The reports' currency: the ``currency`` parameter, else ``currency`` in the data's
    ``salesmeasure.toml``, else none (amounts without a symbol, axes in currency units)."""
    from salesmeasure import format as fmt
    from salesmeasure.config import find

    code = currency
    if not code:
        try:
            code = find(path).currency or ""
        except Exception:  # the data loaded with this config already; never fails here
            code = ""
    try:
        fmt.set_currency(code or None)
    except ValueError as exc:
        raise ParameterError(f"parameter 'currency': {exc}") from None


def _set_labels(path) -> None:
    """The display names of category values: ``[labels]`` of the data's
    ``salesmeasure.toml`` over the built-in ones (:func:`salesmeasure.format.label`)."""
    from salesmeasure import format as fmt
    from salesmeasure.config import find

    try:
        labels = find(path).labels
    except Exception:  # the data loaded with this config already; never fails here
        labels = {}
    fmt.set_labels(labels)


def _check_extra(name: str, value) -> None:
    if name.endswith("_weeks"):  # 0 = the analysis' data-driven default
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ParameterError(
                f"parameter {name!r} must be a whole number of weeks (0 = default), got {value!r}"
            )
        return
    if name.endswith("_months"):
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ParameterError(
                f"parameter {name!r} must be a positive whole number, got {value!r}"
            )
        return
    unit = name in {"attainability", "confidence"}
    zero_ok = name == "margin" or name.endswith("_rate")
    if unit or zero_ok:
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
        ):
            raise ParameterError(f"parameter {name!r} must be a number, got {value!r}")
        lo_ok = value >= 0 if zero_ok else value > 0
        if not (lo_ok and value <= 1) or (unit and value >= 1):
            bounds = "between 0 and 1" if zero_ok else "strictly between 0 and 1"
            raise ParameterError(f"parameter {name!r} must be {bounds}, got {value!r}")


def show(result, *renderers) -> None:
    """Display one report section: the reason in words when ``result`` is
    :class:`~salesmeasure.errors.Missing`, else each ``renderer(result)`` in turn.

    A renderer returning a string is shown as Markdown, a DataFrame or Styler as a table,
    a matplotlib Axes or Figure as the chart; ``None`` shows nothing. This is what keeps a
    notebook cell to one line per section::

        report.show(r.forecast, targets.describe_forecast, plots.plot_forecast_fan)
    """
    from IPython.display import Markdown, display

    from salesmeasure import format as fmt
    from salesmeasure.errors import Missing

    if isinstance(result, Missing):
        display(Markdown(fmt.prose(fmt.label_text(result.reason))))
        return
    for render in renderers:
        out = render(result)
        if out is None:
            continue
        if isinstance(out, str):  # category values by their display names (fmt.label)
            display(Markdown(fmt.prose(fmt.label_text(out))))
            continue
        fig = getattr(out, "figure", None) if not hasattr(out, "savefig") else out
        if fig is not None and hasattr(fig, "savefig"):
            import matplotlib.pyplot as plt

            display(fmt.label_figure(fig))
            plt.close(fig)
            continue
        display(fmt.label_frame(displayed(out)))


def displayed(out):
    """A table as a manager reads it: a DataFrame becomes a Styler whose whole-number
    columns have thousands separators (``1,158``) and whose default 0..n row index is
    hidden; anything else is returned unchanged."""
    if not isinstance(out, pd.DataFrame) or not out.columns.is_unique:
        return out
    from salesmeasure import format as fmt

    ints = [c for c in out.columns if pd.api.types.is_integer_dtype(out[c].dtype)]
    styler = out.style.format(fmt.count, subset=ints) if ints else out.style
    if isinstance(out.index, pd.RangeIndex) and out.index.name is None:
        styler = styler.hide(axis="index")
    return styler


#: The data package's quarantine reasons and table names (kept in English in the rejected
#: rows, a machine file) and their words, translated where a report shows them.
QUALITY_REASONS = {
    "missing value": N_("missing value"),
    "unparseable date": N_("unparseable date"),
    "not a number": N_("not a number"),
    "negative amount": N_("negative amount"),
    "quantity below 1": N_("quantity below 1"),
    "negative target": N_("negative target"),
    "score out of range": N_("score out of range"),
    "invalid value": N_("invalid value"),
    "duplicate id": N_("duplicate id"),
    "unknown rep": N_("unknown rep"),
    "unknown customer": N_("unknown customer"),
    "order before signup": N_("order before signup"),
    "survey before signup": N_("survey before signup"),
    "complaint before signup": N_("complaint before signup"),
    "resolved before opened": N_("resolved before opened"),
    "unreadable period": N_("unreadable period"),
    "duplicate target": N_("duplicate target"),  # data.load.check_targets (issue 23)
    "region with no customers": N_("region with no customers"),
    "unknown metric": N_("unknown metric"),  # targets.metric none of TARGET_METRICS
    "date after today": N_("date after today"),
    "date after the data's as-of date": N_("date after the data's as-of date"),
    # data.coerce.FORMULA_REASON (a workbook cell whose formula has no saved value)
    "formula without a saved value (open and save the file in Excel)": N_(
        "formula without a saved value (open and save the file in Excel)"
    ),
}
#: Reasons that carry a number (the amount bound), as a pattern and their words.
QUALITY_REASON_PATTERNS = (
    (r"amount above max_order_amount \((?P<bound>[\d,.]+)\)",
     N_("amount above the configured maximum order amount ({bound})")),
    (r"amount far above the data's range \(over (?P<bound>[\d,.]+)\)",
     N_("amount far above the data's range (over {bound})")),
    (r"amount in another currency \(the column is in (?P<currency>[^)]+)\)",
     N_("amount in another currency (the column is in {currency})")),
)  # fmt: skip
QUALITY_TABLES = {
    "customers": N_("customers"),
    "reps": N_("reps"),
    "orders": N_("orders"),
    "targets": N_("targets"),
    "surveys": N_("surveys"),
    "complaints": N_("complaints"),
}


def reason_words(reason: str) -> str:
    """A quarantine reason of the data package in the report language (unknown reasons
    are shown as they are)."""
    import re

    from salesmeasure import format as fmt
    from salesmeasure.i18n import _

    if reason in QUALITY_REASONS:
        return _(QUALITY_REASONS[reason])
    for pattern, words in QUALITY_REASON_PATTERNS:
        if m := re.fullmatch(pattern, reason):
            if "currency" in m.groupdict():
                return _(words).format(currency=m["currency"])
            bound = float(m["bound"].replace(",", ""))
            return _(words).format(bound=fmt.money_full(bound))
    return reason


def table_words(table: str) -> str:
    """A data table's name in the report language."""
    from salesmeasure.i18n import _

    return _(QUALITY_TABLES[table]) if table in QUALITY_TABLES else table


def quality_table(ds: Dataset):
    """Quarantined rows by table and reason, for a report's data-quality section: a
    Styler with headers in words, counts with thousands separators and no index column."""
    from salesmeasure import format as fmt
    from salesmeasure.i18n import _

    heads = {"table": _("Table"), "reason": _("Reason"), "rows": _("Rows set aside")}
    q = ds.quality
    if q.empty:
        q = pd.DataFrame({"table": [], "reason": [], "rows": []})
    q = q[[c for c in heads if c in q]].reset_index(drop=True)
    q = q.assign(table=q["table"].map(table_words), reason=q["reason"].map(reason_words))
    return (
        q.style.format({"rows": fmt.count})
        .hide(axis="index")
        .relabel_index([heads[c] for c in q.columns], axis="columns")
    )


def quality_sentence(ds: Dataset) -> str:
    """One sentence on what the validation set aside."""
    from salesmeasure import format as fmt
    from salesmeasure.i18n import _, ngettext

    n = len(ds.rejected)
    total = sum(ds.row_counts.values()) if ds.row_counts else 0
    if n == 0:
        return _("Every row of the source passed validation; none was set aside.")
    top = ds.quality.sort_values("rows", ascending=False).iloc[0]
    rows = int(top["rows"])
    return ngettext(
        "{n} of {total} rows ({share}) failed validation and were set aside, not used in "
        "this report; the most common reason was '{reason}' in {table} ({rows} row). "
        "`salesmeasure validate` lists each one.",
        "{n} of {total} rows ({share}) failed validation and were set aside, not used in "
        "this report; the most common reason was '{reason}' in {table} ({rows} rows). "
        "`salesmeasure validate` lists each one.",
        rows,
    ).format(
        n=fmt.count(n), total=fmt.count(total), share=fmt.pct(n / max(total, 1), decimals=2),
        reason=reason_words(top["reason"]), table=table_words(top["table"]),
        rows=fmt.count(rows),
    )  # fmt: skip


def provenance(ctx: ReportContext) -> dict:
    """Parameters and data identity, for the batch's records (an analyst's: ``data_path``
    is the full location; pages show :func:`data_name`)."""
    return {
        "period": ctx.period.label,
        "region": ctx.region,
        "data_path": str(ctx.data_path),
        "data_fingerprint": ctx.data.fingerprint,
        "data_as_of": None if ctx.data.as_of is None else f"{ctx.data.as_of:%Y-%m-%d}",
        "library_version": __version__,
    }


def data_location(source) -> str:
    """Where the data came from, in full, for the provenance: a folder or workbook path, or a
    database URL with its password masked."""
    s = str(source or "")
    if "://" in s:
        try:
            from sqlalchemy.engine import make_url

            return make_url(s).render_as_string(hide_password=True)
        except Exception:
            return s.split("://", 1)[0] + "://..."
    return s


def data_name(source) -> str:
    """The data set's short name for a report header: the folder or workbook name
    (``sample``, ``Orders export``), or a database's name and host; never a full path."""
    s = str(source or "").rstrip("/\\")
    if "://" in s:
        try:
            from sqlalchemy.engine import make_url

            url = make_url(s)
            name = (url.database or "").replace("\\", "/").rsplit("/", 1)[-1]
            return f"{name} ({url.host})" if url.host and name else name or url.drivername
        except Exception:
            return s.split("://", 1)[0]
    return Path(s).stem if Path(s).suffix.lower() in {".xlsx", ".xls", ".csv"} else Path(s).name


def provenance_table(ctx: ReportContext) -> pd.DataFrame:
    """:func:`provenance` with its labels in words, for a report's closing section."""
    from salesmeasure import format as fmt
    from salesmeasure.i18n import _

    p = provenance(ctx)
    rows = [
        (_("Period"), fmt.period(ctx.period)),
        (_("Region"), _("All regions") if ctx.region == "all" else ctx.region),
        # the data set's name, not its location on the machine that rendered it (issue 20)
        (_("Data"), data_name(ctx.data.source or p["data_path"])),
        (_("Data fingerprint"), p["data_fingerprint"]),
        (
            _("Data as of"),
            fmt.date(ctx.data.as_of) if ctx.data.as_of is not None else fmt.missing(),
        ),
        (_("salesmeasure version"), p["library_version"]),
    ]
    return pd.DataFrame({_("Value"): [v for _k, v in rows]}, index=[k for k, _v in rows])
