"""What a batch is asked for: formats, notebooks, regions and notebook parameters.

Each option is checked here with a message that names it (the CLI turns a ``ValueError``
into one line and exit 2), and every notebook parameter is typed by the notebook's own
annotation in its ``parameters`` cell.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from salesmeasure.errors import ParameterError
from salesmeasure.i18n import _, parameter_label

from .pdf import INSTALL_HINT, ChromiumNotFound, find_chromium
from .planner import ALL

FORMATS = ("html", "pdf")


def parse_formats(formats: str | None, chromium: str | None):
    """``(formats, executable, note)``; ``auto`` means HTML, plus PDF when a browser exists.

    Raises ChromiumNotFound when PDF is asked for explicitly and there is no browser.
    """
    spec = (formats or "auto").strip().lower()
    if spec == "auto":
        exe = find_chromium(chromium)
        if exe:
            return ("html", "pdf"), exe, None
        return ("html",), None, f"PDF skipped: no Chromium found. {INSTALL_HINT}"
    wanted = tuple(dict.fromkeys(f.strip() for f in spec.split(",") if f.strip()))
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise ValueError(f"unknown format(s) {bad or spec!r}; choose from html, pdf or auto")
    exe = None
    if "pdf" in wanted:
        exe = find_chromium(chromium)
        if exe is None:
            raise ChromiumNotFound(f"--formats pdf: no Chromium or Chrome found. {INSTALL_HINT}")
        wanted = tuple(dict.fromkeys(("html", *wanted)))  # the PDF is printed from the HTML
    return wanted, exe, None


def select_notebooks(spec: str | list | None, notebooks_dir: Path) -> list[Path]:
    """``all`` (every ``*.ipynb`` in the folder, sorted) or a comma list of names."""
    notebooks_dir = Path(notebooks_dir)
    available = {p.stem: p for p in sorted(notebooks_dir.glob("*.ipynb"))}
    if spec is None or spec == "all" or spec == ["all"]:
        if not available:
            raise ValueError(f"no notebooks in {notebooks_dir}")
        return list(available.values())
    names = spec.split(",") if isinstance(spec, str) else list(spec)
    out = []
    for n in (x.strip().removesuffix(".ipynb") for x in names if x.strip()):
        if n not in available:
            raise ValueError(f"unknown notebook {n!r}; available: {', '.join(available) or 'none'}")
        out.append(available[n])
    return out


def select_regions(spec: str | list | None, data_regions: list[str]) -> list[str]:
    """``all`` = the consolidated report plus every region; else the named ones (any case)."""
    if spec is None or spec == "all" or spec == ["all"]:
        return [ALL, *data_regions]
    names = spec.split(",") if isinstance(spec, str) else list(spec)
    by_lower = {r.lower(): r for r in data_regions}
    out = []
    for n in (x.strip() for x in names if x.strip()):
        if n.lower() == ALL:
            out.append(ALL)
        elif n.lower() in by_lower:
            out.append(by_lower[n.lower()])
        else:
            raise ValueError(
                f"unknown region {n!r}; the data has {', '.join(data_regions)} (or 'all')"
            )
    return list(dict.fromkeys(out))


#: Parameters set by the batch itself (``--period``, ``--regions``, ``--data``).
RESERVED_PARAMETERS = ("period", "region", "data_path", "lang")


def _coerce(name: str, value, type_name: str | None, notebook: str):
    if not isinstance(value, str):
        return value
    t = (type_name or "").lower()
    try:
        if t == "int":
            return int(value)
        if t == "float":
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(value)
            return number
        if t == "bool":
            low = value.strip().lower()
            if low in ("true", "1", "yes"):
                return True
            if low in ("false", "0", "no"):
                return False
            raise ValueError(value)
    except ValueError:
        kind = {"int": "a whole number", "float": "a number", "bool": "true or false"}[t]
        raise ParameterError(
            f"--param {name}={value} ({notebook}): must be {kind} ({t}), got {value!r}"
        ) from None
    return value  # str (or no annotation): the text as given, '007' stays '007'


#: Parameters the report header shows elsewhere (period, region) or in the provenance.
_HEADER_SHOWN = ("period", "region", "data_path", "lang")


def parameter_rows(nb, params: dict) -> list[tuple[str, str]]:
    """The report header's parameter table: ``(label in words, value)`` per parameter.

    The label is the parameter's help comment in the notebook's parameters cell, up to
    its first ``(``, ``:`` or ``;`` ("CLV horizon in months"), so no raw name such as
    ``clv_months`` reaches a manager; a parameter without a comment keeps its name with
    spaces. Period, region and data are shown elsewhere in the header and footer.
    """
    from papermill.translators import PythonTranslator

    helps = {}
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            helps = {p.name: p.help for p in PythonTranslator.inspect(cell)}
            break
    rows = []
    for name, value in params.items():
        if name in _HEADER_SHOWN:
            continue
        text = parameter_label(helps.get(name))  # a catalog message (i18n.extract_notebook)
        label = _(text) if text else name.replace("_", " ").capitalize()
        shown = _("yes") if value is True else _("no") if value is False else str(value)
        rows.append((label, shown))
    return rows


def _declared(path) -> dict[str, tuple[str, str]]:
    """name -> (type name, help comment) of the parameters in a notebook's ``parameters``
    cell (papermill's own parser; works without kernel metadata, unlike
    ``papermill.inspect_notebook``)."""
    import nbformat
    from papermill.translators import PythonTranslator

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return {
                p.name: (p.inferred_type_name, p.help or "") for p in PythonTranslator.inspect(cell)
            }
    return {}


def _declared_parameters(path) -> dict[str, str]:
    """name -> type name of the parameters in a notebook's ``parameters`` cell."""
    return {name: t for name, (t, _help) in _declared(path).items()}


#: A range in a parameter's help comment: ``(0-1)``, ``(1-12)``, ``(0.5 - 2)``.
_RANGE = re.compile(r"\(\s*(-?\d+(?:\.\d+)?)\s*[-\u2013]\s*(-?\d+(?:\.\d+)?)\s*\)")


def check_range(name: str, value, help_text: str, notebook: str, given=None) -> None:
    """Check a converted ``--param`` value as the notebook would, before any kernel starts.

    The rules of :func:`salesmeasure.report.prepare` by name (``*_months`` a positive whole
    number; ``*_rate`` and ``margin`` in [0, 1]; ``attainability``, ``confidence`` in
    (0, 1)), and a range written in the parameter's help comment, e.g. ``(0-1)``.

    Raises
    ------
    ParameterError
        ``--param discount_rate=7 (03_retention_clv): must be between 0 and 1, got 7.0``.
    """
    from salesmeasure import report

    shown = f"--param {name}={value if given is None else given} ({notebook})"
    try:
        report._check_extra(name, value)
    except ParameterError as exc:
        reason = str(exc).replace(f"parameter {name!r} ", "", 1)
        raise ParameterError(f"{shown}: {reason}") from None
    m = _RANGE.search(help_text or "")
    if m and isinstance(value, int | float) and not isinstance(value, bool):
        lo, hi = float(m.group(1)), float(m.group(2))
        if not lo <= value <= hi:
            raise ParameterError(
                f"{shown}: must be between {m.group(1)} and {m.group(2)}, got {value!r}"
            )


def notebook_parameters(nb_paths, overrides: dict | None) -> dict[str, dict]:
    """Give each notebook the overrides its parameters cell declares, in the declared type.

    Strings (e.g. from ``--param attainability=0.8``) are converted with the type
    annotation of the notebook's parameter (``float``, ``int``, ``bool``; ``str`` keeps
    the text exactly, unlike the papermill CLI's ``-p``). A notebook that does not
    declare a parameter does not get it.

    Raises
    ------
    ValueError
        A parameter is reserved, declared by no selected notebook, or not convertible;
        :class:`ParameterError` (a ValueError) when its value is out of its range.
    """
    if not overrides:
        return {}
    reserved = sorted(set(overrides) & set(RESERVED_PARAMETERS))
    if reserved:
        raise ValueError(
            f"set {', '.join(reserved)} with --period/--regions/--data/--lang, not --param"
        )
    out, used = {}, set()
    for p in nb_paths:
        declared = _declared(p)
        mine = {}
        for name, value in overrides.items():
            if name in declared:
                type_name, help_text = declared[name]
                mine[name] = _coerce(name, value, type_name, p.stem)
                check_range(name, mine[name], help_text, p.stem, given=value)
                used.add(name)
        out[p.stem] = mine
    unknown = sorted(set(overrides) - used)
    if unknown:
        raise ValueError(f"no selected notebook has a parameter named {', '.join(unknown)}")
    return out


def check_period_in_data(p, ds) -> None:
    """Refuse a period that starts after the data ends (as ``report.prepare`` does in each
    notebook), before any kernel starts; the message names the data's range.

    Raises
    ------
    ParameterError
        ``--period 2099Q1 starts 2099-01-01, after the data ends ...``.
    """
    from salesmeasure.periods import Period

    if ds.as_of is None or p.start <= ds.as_of:
        return
    last = Period.from_timestamp(ds.as_of, p.kind, fiscal_start_month=p.fiscal_start_month)
    dates = ds.orders["order_date"].dropna() if "order_date" in ds.orders else None
    if dates is not None and len(dates):
        first = Period.from_timestamp(dates.min(), p.kind, fiscal_start_month=p.fiscal_start_month)
        span = (
            f"the data covers {dates.min():%Y-%m-%d} to {ds.as_of:%Y-%m-%d} "
            f"({first.label} to {last.label})"
        )
    else:
        span = f"the data ends {ds.as_of:%Y-%m-%d} ({last.label})"
    raise ParameterError(
        f"--period {p.label} starts {p.start:%Y-%m-%d}, after the data ends: {span}; "
        f"choose a period up to {last.label}"
    )
