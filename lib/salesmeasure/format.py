"""The one place numbers, amounts, dates, periods and status words become text.

Used by the text modules, manager tables, chart axes and the batch index alike, so a
figure reads the same everywhere. Every function follows the current report language
(:mod:`salesmeasure.i18n`): English keeps the suite's own compact style (``1.23M``,
``45.6k``, ``12.3%``, ``15 Nov 2026``); other locales go through Babel's CLDR data
(``215万``, ``2026年11月15日``), never hand-written rules. A value that is missing or not
finite becomes a word (:func:`missing`), never ``nan`` or ``inf``.
"""

from __future__ import annotations

import math
from numbers import Real

import pandas as pd

from salesmeasure.i18n import N_, _, babel_locale, get_language

__all__ = [
    "STATUS_WORDS",
    "STATUS_SYMBOLS",
    "PERIOD_NAMES",
    "change",
    "count",
    "currency_unit",
    "get_currency",
    "not_applicable",
    "pvalue",
    "set_currency",
    "date",
    "is_number",
    "join",
    "label",
    "label_figure",
    "label_frame",
    "label_text",
    "label_value",
    "LABEL_KINDS",
    "BUILTIN_LABELS",
    "set_labels",
    "missing",
    "money",
    "money_full",
    "money_tick",
    "number",
    "pct",
    "period",
    "points",
    "prose",
    "status",
]

#: Status keys and their words (translated where shown).
STATUS_WORDS = {
    "good": N_("On track"),
    "watch": N_("Watch"),
    "bad": N_("Action needed"),
    "n/a": N_("No basis"),
}
#: Status symbols, shown beside the word so status survives greyscale print.
STATUS_SYMBOLS = {"good": "●", "watch": "▲", "bad": "■", "n/a": "○"}


def is_number(x) -> bool:
    """True for a finite real number (not None, NaN, inf, pandas NA or a bool)."""
    if x is None or isinstance(x, bool) or x is pd.NA or x is pd.NaT:
        return False
    try:
        return isinstance(x, Real) and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def missing() -> str:
    """The word shown where a value is missing or cannot be computed: ``n/a`` in English,
    ``—`` in Chinese (not 无数据, "no data", which is wrong where a figure does not apply)."""
    return _("n/a")


def not_applicable() -> str:
    """The mark shown where a figure does not apply (a rate with no basis, a change with
    no earlier period): ``—`` in every language (not 无数据, which says "no data")."""
    return "\u2014"


def pvalue(p) -> str:
    """A p-value as read in a report: ``p = 0.032``, ``p < 0.001`` (never ``p=0.000``)."""
    if not is_number(p):
        return not_applicable()
    p = float(p)
    if p < 0.001:
        return "p < " + number(0.001, decimals=3)
    return "p = " + number(p, decimals=3)


# ------------------------------------------------------------------ currency
#: The reports' currency: an ISO 4217 code, or None (amounts without a symbol; axes in
#: "currency units"). Set by :func:`salesmeasure.report.prepare` from the ``currency``
#: parameter or ``currency = "CNY"`` in ``salesmeasure.toml``.
_currency: list[str | None] = [None]


def set_currency(code: str | None) -> str | None:
    """Set the currency of amounts (an ISO 4217 code such as ``"CNY"``, ``"usd"``; empty
    or None: none). Returns the canonical code.

    Raises
    ------
    ValueError
        Naming the code when it is not an ISO 4217 currency.
    """
    from babel.numbers import is_currency

    code = (str(code).strip().upper() or None) if code is not None else None
    if code is not None and not is_currency(code):
        raise ValueError(f"currency {code!r} is not an ISO 4217 currency code (e.g. CNY, USD, EUR)")
    _currency[0] = code
    return code


def get_currency() -> str | None:
    """The current currency code (None when none is set)."""
    return _currency[0]


def currency_unit() -> str:
    """The unit an amount axis is named with: the currency code in English (``CNY``),
    its name in other languages (人民币), ``currency units`` without a currency."""
    code = get_currency()
    if code is None:
        return _("currency units")
    if _en():
        return code
    from babel.numbers import get_currency_name

    return get_currency_name(code, locale=babel_locale())


def _symbol() -> str:
    from babel.numbers import get_currency_symbol

    return get_currency_symbol(get_currency(), locale=babel_locale())


def _en() -> bool:
    return get_language() == "en"


def _no_negative_zero(s: str) -> str:
    """``-0`` / ``-0.0%`` (a small negative rounded away) reads as ``0``: drop the minus
    when no digit shown is other than zero."""
    if s.startswith("-") and not any(c in "123456789" for c in s):
        return s[1:]
    return s


def number(x, *, decimals: int = 0, signed: bool = False) -> str:
    """A plain number with the locale's grouping: ``1,234.5``."""
    if not is_number(x):
        return missing()
    x = float(x)
    if _en():
        return _no_negative_zero(f"{x:{'+' if signed else ''},.{decimals}f}")
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    s = format_decimal(round(x, decimals), format=pattern, locale=babel_locale())
    return _no_negative_zero(f"+{s}" if signed and x > 0 else s)


def count(n) -> str:
    """A whole count with thousands separators: ``1,158``."""
    if not is_number(n):
        return missing()
    return number(round(float(n)), decimals=0)


def money(x, *, decimals: int | None = None, signed: bool = False) -> str:
    """A short amount for text and tables.

    English: ``1.23M``, ``45.6k``, ``950`` (``decimals`` overrides the 2/1/0 defaults).
    Chinese: ``215万``, ``1.2亿`` (Babel's compact decimal format for the locale).
    """
    if not is_number(x):
        return missing()
    x = float(x)
    sign = "-" if x < 0 else ("+" if signed and x > 0 else "")
    a = abs(x)
    if _en():
        dk = 1 if decimals is None else decimals
        # the unit is chosen after rounding: 999,999 is 1.00M, not 1000.0k
        if a >= 1e6 or (a >= 1e4 and round(a / 1e3, dk) >= 1000):
            s = f"{a / 1e6:.{2 if decimals is None else decimals}f}M"
        elif a >= 1e4:
            s = f"{a / 1e3:.{dk}f}k"
        else:
            s = f"{a:,.{0 if decimals is None else decimals}f}"
        if get_currency() is not None:
            s = _symbol() + s
        return _no_negative_zero(sign + s)
    from babel.numbers import format_compact_currency, format_compact_decimal, format_decimal

    if get_currency() is not None:
        # 万 with one decimal (¥215.5万), like the English M with two
        if round(a, decimals or 0) >= 1e4:
            s = format_compact_currency(
                a,
                get_currency(),
                format_type="short",
                fraction_digits=1 if decimals is None else decimals,
                locale=babel_locale(),
            )
        else:
            s = _symbol() + format_decimal(round(a, decimals or 0), locale=babel_locale())
        return _no_negative_zero(sign + s)

    if round(a, decimals or 0) >= 1e4:
        s = format_compact_decimal(
            a,
            format_type="short",
            fraction_digits=2 if decimals is None else decimals,
            locale=babel_locale(),
        )
    else:
        s = format_decimal(round(a, decimals or 0), locale=babel_locale())
    return _no_negative_zero(sign + s)


def money_full(x, *, decimals: int = 0) -> str:
    """An exact amount with grouping, for tables of targets: ``2,501,031`` (``¥2,501,031``
    with a currency)."""
    s = number(x, decimals=decimals)
    if get_currency() is None or not is_number(x):
        return s
    return ("-" + _symbol() + s[1:]) if s.startswith("-") else _symbol() + s


def money_tick(x, _pos=None) -> str:
    """A chart axis tick for amounts: ``1.5M``, ``250k``, ``0`` (``150万`` in Chinese).

    Signature fits :class:`matplotlib.ticker.FuncFormatter`.
    """
    if not is_number(x):
        return ""
    a = abs(float(x))
    if _en():
        if a >= 1e6:
            v = x / 1e6
            return f"{v:.{_tick_decimals(v, least=1)}f}M"
        if a >= 1e3:
            v = x / 1e3
            return f"{v:.{_tick_decimals(v)}f}k"
        return f"{x:.{_tick_decimals(x)}f}"
    # Babel's compact format drops trailing zeros: 150万, 1.25万
    return money(x, decimals=2 if a >= 1e4 else _tick_decimals(x))


def _tick_decimals(v: float, *, least: int = 0, most: int = 2) -> int:
    """The fewest decimals (``least`` to ``most``) that write ``v`` as exactly as ``most``
    do, so neighbouring ticks never read alike (1,500 is 1.5k, not 2k beside 2k)."""
    for d in range(least, most):
        if round(v, d) == round(v, most):
            return d
    return most


def pct(x, *, decimals: int = 1, signed: bool = False) -> str:
    """A share (0.123) as ``12.3%``. ``signed`` puts ``+`` on gains."""
    if not is_number(x):
        return missing()
    v = float(x) * 100
    if _en():
        return _no_negative_zero(f"{v:{'+' if signed else ''}.{decimals}f}%")
    s = number(v, decimals=decimals, signed=signed)
    return f"{s}%"


def points(x, *, decimals: int = 1, signed: bool = True) -> str:
    """A difference of percentages or NPS in points: ``+3.7 pts``."""
    if not is_number(x):
        return missing()
    return _("{value} pts").format(value=number(x, decimals=decimals, signed=signed))


def change(x, *, kind: str = "pct", decimals: int = 1) -> str:
    """A signed change: ``kind`` ``"pct"`` (relative, ``+4.2%``), ``"points"`` or
    ``"money"``."""
    if kind == "pct":
        return pct(x, decimals=decimals, signed=True)
    if kind == "points":
        return points(x, decimals=decimals)
    if kind == "money":
        return money(x, signed=True)
    raise ValueError(f"kind must be 'pct', 'points' or 'money', got {kind!r}")


def date(ts, *, short: bool = False) -> str:
    """A day: ``15 Nov 2026`` (``2026年11月15日``); ``short``: ``15 Nov`` (``11月15日``)."""
    if ts is None or ts is pd.NaT:
        return missing()
    try:
        t = pd.Timestamp(ts)
    except (TypeError, ValueError):
        return missing()
    if t is pd.NaT:
        return missing()
    if _en():
        return f"{t:%d %b}" if short else f"{t:%d %b %Y}"
    from babel.dates import format_date, format_skeleton

    if short:
        return format_skeleton("MMMd", t.to_pydatetime(), locale=babel_locale())
    return format_date(t.date(), format="long", locale=babel_locale())


#: Period names by kind and index, translated where shown. Quarters, halves and years are
#: *fiscal* (see :mod:`salesmeasure.periods`), so CLDR's calendar-quarter names do not apply;
#: the catalog words them (``2026年第三季度``, ``2026年下半年``, ``2026财年``).
PERIOD_NAMES = {
    ("Q", 1): N_("{year}Q1"),
    ("Q", 2): N_("{year}Q2"),
    ("Q", 3): N_("{year}Q3"),
    ("Q", 4): N_("{year}Q4"),
    ("H", 1): N_("{year}H1"),
    ("H", 2): N_("{year}H2"),
    ("FY", 1): N_("FY{year}"),
}


def period(p) -> str:
    """A period's name: ``2026Q3`` (``2026年第三季度``), ``2026-07`` (``2026年7月``),
    ``2026H2`` (``2026年下半年``), ``FY2026`` (``2026财年``).

    ``p`` is a :class:`salesmeasure.periods.Period` or its label. English keeps the
    label; months follow CLDR (Babel), fiscal quarters, halves and years the catalog.
    """
    import re

    label = getattr(p, "label", None) or str(p)
    if _en():
        return label
    if m := re.fullmatch(r"(\d{4})-(\d{2})", label):
        from babel.dates import format_skeleton

        month = pd.Timestamp(year=int(m[1]), month=int(m[2]), day=1).date()
        return format_skeleton("yMMM", month, locale=babel_locale())
    if m := re.fullmatch(r"(\d{4})(Q|H)(\d)", label):
        key, year = (m[2], int(m[3])), m[1]
    elif m := re.fullmatch(r"FY(\d{4})", label):
        key, year = ("FY", 1), m[1]
    else:
        return label
    return _(PERIOD_NAMES[key]).format(year=year) if key in PERIOD_NAMES else label


def status(key: str, *, symbol: bool = True) -> str:
    """A status word with its symbol: ``● On track``."""
    word = _(STATUS_WORDS.get(key, STATUS_WORDS["n/a"]))
    return f"{STATUS_SYMBOLS.get(key, STATUS_SYMBOLS['n/a'])} {word}" if symbol else word


def join(items, *, kind: str = "list") -> str:
    """Words or clauses joined as the report language writes a list.

    ``kind``:

    - ``"list"``: a plain enumeration of names, ``North, South, East`` (``北区、南区、东区``);
    - ``"and"`` / ``"or"``: with a conjunction before the last item, ``A, B and C``
      (``A、B和C``), ``A, B or C`` (``A、B或C``);
    - ``"clauses"``: clauses of one sentence, ``a; b`` (``a；b``).

    English keeps the suite's own style (no serial comma); other languages take the
    separators and conjunctions from CLDR's list patterns through Babel
    (:func:`babel.lists.format_list`); clauses are joined by the catalog's ``"; "``.
    """
    words = [str(x) for x in items]
    if kind == "clauses":
        # TRANSLATORS: the separator between clauses of one sentence ("a; b")
        return _("; ").join(words)
    if kind not in {"list", "and", "or"}:
        raise ValueError(f"kind must be 'list', 'and', 'or' or 'clauses', got {kind!r}")
    if len(words) < 2:
        return "".join(words)
    if _en():
        if kind == "list":
            return ", ".join(words)
        return f"{', '.join(words[:-1])} {kind} {words[-1]}"
    from babel import Locale
    from babel.lists import format_list

    if kind != "list":
        return format_list(words, style="standard" if kind == "and" else "or",
                           locale=babel_locale())  # fmt: skip
    middle = Locale.parse(babel_locale()).list_patterns["standard"]["middle"]
    out = words[0]
    for w in words[1:]:
        out = middle.format(out, w)
    return out


#: Full-width punctuation after which Chinese puts no space (English puts one after ". ").
_CJK_STOP = "。，；：！？、）」』"


def prose(text: str) -> str:
    """A generated paragraph as the report language writes it.

    Text modules join sentences with a space, as English does (``"... met. Next ..."``);
    Chinese sets no space after full-width punctuation, so ``"……达成。 下期……"`` becomes
    ``"……达成。下期……"``, and an English full stop that a sentence assembled from parts
    left after Chinese text (``"……（+36%）. 详见"``) becomes ``"。"``, and half-width
    brackets around or after Chinese words (``"蓝海科技 (王安娜)"``, ``"公司 (R01)"``) become
    full-width (``"蓝海科技（王安娜）"``, ``"公司（R01）"``). Line breaks
    (Markdown paragraphs, list items such as ``"1. "``) stay. English text is returned
    unchanged.
    """
    if _en() or not isinstance(text, str):
        return text
    import re

    # an English full stop left after Chinese text (a sentence built from parts) ends it
    text = re.sub(r"(?<=[\u4e00-\u9fff%）)])\.(?=[ \t\u4e00-\u9fff]|$)", "。", text, flags=re.M)
    # half-width brackets around Chinese words ("{name} ({rep})") are full-width, with no
    # space before them; a Markdown link's target "[...](...)" stays as it is
    text = re.sub(
        r"(?<!\])[ \t]?\(([^()\n]*[\u4e00-\u9fff][^()\n]*)\)(?![^\[\n]*\]\()", r"（\1）", text
    )
    text = re.sub(r"(?<=[\u4e00-\u9fff])[ \t]?\(([^()\n]+)\)", r"（\1）", text)
    # no space before a full-width mark ("+0.3个百分点 （不显著）" -> "+0.3个百分点（不显著）")
    text = re.sub(r"(?<=[\u4e00-\u9fff0-9A-Za-z%)])[ \t]+(?=[（，。：；？！、）])", "", text)
    # no space between Chinese and a number or a Latin word ("华北 26%" -> "华北26%")
    text = re.sub(
        r"(?<=[\u4e00-\u9fff])[ \t]+(?=[0-9A-Za-z%+\-])"
        r"|(?<=[0-9A-Za-z%])[ \t]+(?=[\u4e00-\u9fff])",
        "",
        text,
    )
    return re.sub(f"([{_CJK_STOP}])[ \t]+(?=\\S)", r"\1", text)


# ------------------------------------------------------------------ category labels
#: The kinds of category value a report shows, by the data column they come from.
from salesmeasure.config import LABEL_KINDS  # noqa: E402  (the kinds [labels] takes)

#: Display names of the English sample's values in other languages (the defaults that
#: ``[labels.<lang>]`` in ``salesmeasure.toml`` overrides value by value).
BUILTIN_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "zh-CN": {
        "region": {"North": "华北", "South": "华南", "East": "华东", "West": "华西",
                   "Central": "华中", "Main": "主区域"},
        "segment": {"Enterprise": "大客户", "Mid-Market": "中型客户", "SMB": "小微客户"},
        "channel": {"Direct": "直销", "Partner": "渠道伙伴", "Online": "线上"},
        "product_line": {"Hardware": "硬件", "Software": "软件", "Services": "服务"},
        "category": {"Billing": "账单", "Delivery": "物流配送", "Product defect": "产品缺陷",
                     "Service": "服务", "Other": "其他"},
        "severity": {"Low": "低", "Medium": "中", "High": "高"},
    },
}  # fmt: skip
#: ``[labels]`` of the data's ``salesmeasure.toml``: language -> kind -> value -> name.
#: Set by :func:`salesmeasure.report.prepare` (:func:`set_labels`).
_labels: list[dict] = [{}]


def set_labels(labels) -> None:
    """Set the configured display names (``Config.labels``: language -> kind -> data
    value -> name); they take precedence over :data:`BUILTIN_LABELS`. None or empty:
    the built-in names only."""
    _labels[0] = {
        lang: {kind: dict(values) for kind, values in kinds.items()}
        for lang, kinds in (labels or {}).items()
    }


def _names(kind: str) -> dict[str, str]:
    lang = get_language()
    out = dict(BUILTIN_LABELS.get(lang, {}).get(kind, {}))
    out.update(_labels[0].get(lang, {}).get(kind, {}))
    return out


def label(kind: str, value) -> str:
    """The display name of the category ``value`` of ``kind`` (a region, segment,
    channel, product line, complaint category or severity, :data:`LABEL_KINDS`) in the
    report language: ``label("region", "North")`` is ``"华北"`` in Chinese. A value with
    no name is shown as it is; a missing one as :func:`missing`. The data keep their
    values (filters and ``--regions North`` use them); only what a reader sees changes.
    """
    if kind not in LABEL_KINDS:
        raise ValueError(f"unknown label kind {kind!r}; the kinds are {', '.join(LABEL_KINDS)}")
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return missing()
    return _names(kind).get(str(value), str(value))


def _all_names() -> dict[str, str]:
    """Every named value of the current language (the first kind wins a clash)."""
    out: dict[str, str] = {}
    for kind in reversed(LABEL_KINDS):
        out.update(_names(kind))
    return {k: v for k, v in out.items() if k != v}


def label_value(value):
    """``value`` shown by its display name when it is a named category value of any kind
    (a table cell, a row or column label); anything else unchanged."""
    if not isinstance(value, str):
        return value
    return _all_names().get(value, value)


def _cell(value):
    """A table cell or label as shown: category values by their names (whole words,
    :func:`label_text`), in Chinese set as Chinese text is (:func:`prose`)."""
    if not isinstance(value, str):
        return value
    return prose(label_text(value))


def label_text(text):
    """``text`` with every named category value written by its display name: a whole
    value bounded by non-letters (``"North区域"`` -> ``"华北区域"``, ``"Anna Adler (North)"``
    -> ``"Anna Adler (华北)"``), never part of a word (``"Northern"`` stays) nor of a
    longer proper name (``"North Labs Inc"``, ``"Blue North Ltd"`` stay: a capitalised
    word follows or precedes the value)."""
    if not isinstance(text, str) or not text:
        return text
    names = _all_names()
    if not names:
        return text
    import re

    keys = sorted(names, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![A-Za-z0-9_\-])(" + "|".join(re.escape(k) for k in keys) + r")(?![A-Za-z0-9_\-])"
    )

    def name(m):
        # part of a longer proper name ("North Labs Inc", "Blue North Ltd"): as it is
        if _NAME_AFTER.match(text, m.end()) or _NAME_BEFORE.search(text, 0, m.start()):
            return m.group(0)
        return names[m.group(1)]

    return pattern.sub(name, text)


import re as _re  # noqa: E402

#: A capitalised word (or "&") right after / before a value: the value is part of a name.
_NAME_AFTER = _re.compile(r" (?:[A-Z]|& )")
_NAME_BEFORE = _re.compile(r"(?:^|[^A-Za-z])[A-Z][A-Za-z]* $")


def _texty(dtype) -> bool:
    return (
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or (isinstance(dtype, pd.CategoricalDtype))
    )


def label_frame(table):
    """A manager table (DataFrame or Styler) with its category values, row labels and
    column labels shown by their display names (:func:`label_value`); the values
    themselves are not changed (a copy is relabelled)."""
    names = _all_names()
    if not names and _en():
        return table
    from pandas.io.formats.style import Styler

    if isinstance(table, Styler):
        data = table.data
        cols = [j for j in range(data.shape[1]) if _texty(data.dtypes.iloc[j])]
        if cols:
            new = data.copy()
            for j in cols:
                new.isetitem(j, new.iloc[:, j].map(_cell))
            table.data = new
        for axis, idx in ((0, data.index), (1, data.columns)):
            if any(isinstance(v, str) and _cell(v) != v for v in idx.to_flat_index()):
                table.format_index(_cell, axis=axis)
        return table
    if not isinstance(table, pd.DataFrame):
        return table
    out = table.copy()
    for j in range(out.shape[1]):
        if _texty(out.dtypes.iloc[j]):
            out.isetitem(j, out.iloc[:, j].map(_cell))
    if _texty(out.index.dtype):
        out.index = out.index.map(_cell)
    if _texty(out.columns.dtype):
        out.columns = out.columns.map(_cell)
    for ax in (out.index, out.columns):
        if ax.name in names:
            ax.name = names[ax.name]
    return out


class _LabelledFormatter:
    """A tick formatter that writes the wrapped formatter's labels by display names."""

    def __new__(cls, inner):
        from matplotlib.ticker import Formatter

        class Labelled(Formatter):
            def __init__(self, inner):
                self.inner = inner

            def set_axis(self, axis):
                super().set_axis(axis)
                self.inner.set_axis(axis)

            def set_locs(self, locs):
                self.inner.set_locs(locs)

            def __call__(self, x, pos=None):
                return label_text(self.inner(x, pos))

            def format_ticks(self, values):
                return [label_text(t) for t in self.inner.format_ticks(values)]

            def get_offset(self):
                return self.inner.get_offset()

        return Labelled(inner)


def label_figure(fig):
    """A chart (Figure or Axes) with its category values written by display names:
    tick labels (through the axes' formatters, so they hold when the chart is drawn
    again), legend entries, titles and annotations (:func:`label_text`)."""
    if not _all_names():
        return fig
    figure = getattr(fig, "figure", fig) if not hasattr(fig, "savefig") else fig
    from matplotlib.text import Text

    for ax in figure.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            inner = axis.get_major_formatter()
            if type(inner).__name__ != "Labelled":
                axis.set_major_formatter(_LabelledFormatter(inner))
    for t in figure.findobj(Text):
        s = t.get_text()
        new = label_text(s)
        if new != s:
            t.set_text(new)
    return fig
