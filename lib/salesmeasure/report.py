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


def load_cached(path, *, fiscal_start_month: int | None = None) -> Dataset:
    """:func:`salesmeasure.data.load`, cached while the files are unchanged."""
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
        return "All regions" if self.region == "all" else f"{self.region} region"

    @property
    def title_suffix(self) -> str:
        return f"{self.region_label}, {self.period.label}"

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
    **extra,
) -> ReportContext:
    """Validate report parameters, load the data and slice it.

    Extra keyword arguments are checked by simple rules: names ending in ``_rate``,
    ``attainability``, ``confidence`` and ``margin`` must lie in (0, 1] (``margin`` and
    ``_rate`` may be 0); names ending in ``_months`` must be positive whole numbers.
    ``lang`` (``"en"`` or ``"zh-CN"``) sets the report language
    (:func:`salesmeasure.i18n.set_language`) for the rest of the notebook.

    Raises
    ------
    ParameterError
        A parameter is not usable; the message names it and says what is expected.
    """
    from salesmeasure.i18n import set_language
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
    set_theme()
    return ReportContext(data=data, view=view, period=p, region=reg, data_path=path)


def _check_extra(name: str, value) -> None:
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

    from salesmeasure.errors import Missing

    if isinstance(result, Missing):
        display(Markdown(result.reason))
        return
    for render in renderers:
        out = render(result)
        if out is None:
            continue
        if isinstance(out, str):
            display(Markdown(out))
            continue
        fig = getattr(out, "figure", None) if not hasattr(out, "savefig") else out
        if fig is not None and hasattr(fig, "savefig"):
            import matplotlib.pyplot as plt

            display(fig)
            plt.close(fig)
            continue
        display(out)


def quality_table(ds: Dataset) -> pd.DataFrame:
    """Quarantined rows by table and reason, for a report's data-quality section."""
    q = ds.quality
    if q.empty:
        return pd.DataFrame({"Table": [], "Reason": [], "Rows set aside": []})
    return q.rename(columns={"table": "Table", "reason": "Reason", "rows": "Rows set aside"})


def quality_sentence(ds: Dataset) -> str:
    """One sentence on what the validation set aside."""
    n = len(ds.rejected)
    total = sum(ds.row_counts.values()) if ds.row_counts else 0
    if n == 0:
        return "Every row of the source passed validation; none was set aside."
    top = ds.quality.sort_values("rows", ascending=False).iloc[0]
    return (
        f"{n} of {total:,} rows ({n / max(total, 1):.2%}) failed validation and were set aside, "
        f"not used in this report; the most common reason was '{top['reason']}' in "
        f"{top['table']} ({top['rows']} rows). `salesmeasure validate` lists each one."
    )


def provenance(ctx: ReportContext) -> dict:
    """Parameters and data identity, for the report footer and the batch index."""
    return {
        "period": ctx.period.label,
        "region": ctx.region,
        "data_path": str(ctx.data_path),
        "data_fingerprint": ctx.data.fingerprint,
        "data_as_of": None if ctx.data.as_of is None else f"{ctx.data.as_of:%Y-%m-%d}",
        "library_version": __version__,
    }
