"""``salesmeasure.toml``: where each table is and how to read it.

The file sits beside the data (in the data folder, or beside an Excel workbook) or is
named with ``--config``. Every key is optional; an empty or absent file means "six files
named after the tables, our column names, ISO dates, ``,`` delimiter, ``.`` decimals"::

    fiscal_start_month = 4          # April (1 = January)
    max_order_amount = 5e7          # optional: overrides the automatic extreme-amount bound

    [format]                        # defaults for every text table (CSV, text columns)
    delimiter = ";"
    decimal = ","
    thousands = "."
    date_format = "%d/%m/%Y"        # strptime codes; default ISO 8601 (YYYY-MM-DD)
    encoding = "cp1252"             # default utf-8 (a BOM is accepted)
    # delimiter = "whitespace"      # columns separated by runs of spaces/tabs
    # delimiter = "fixed-width"     # columns aligned at fixed positions (blanks allowed)
    header = true                   # false: no header row (columns are column_1, column_2, ...)
    skip_rows = 0                   # rows above the header (a title row of a sheet or file)

    [tables.orders]                 # one of customers, orders, reps, targets, surveys, complaints
    file = "Orders export.csv"      # or sheet = "Orders", or table = "crm.orders",
                                    # or query = "SELECT ..." (one of the four)
    date_format = "%d.%m.%Y"        # any [format] key, for this table only
    allow_empty = false             # true: a header-only table is accepted ("none happened")
    absent = false                  # true: there is no such table (not read even if present)

    [tables.orders.columns]         # OUR name = the SOURCE's name
    order_id = "Order No"
    amount = "Net Amount"

    [tables.orders.constants]       # a column the source lacks, filled with one value
    product_line = "All products"

    [comments.themes]               # survey comment themes: words added to a seed theme
    delivery = ["late", "courier", "物流"]   # (product_quality, service_level, after_sales,
    website = ["website", "login", "网站"]   # delivery, price, billing) or a new theme

    [labels.zh-CN]                  # how data values are shown to a reader of a language
    region = { North = "华北", South = "华南" }  # kinds: region, segment, channel,
    segment = { Enterprise = "大客户", SMB = "小微客户" }  # product_line, category, severity

Only ``orders`` is needed. Any other table whose file (sheet, database table) is not
there is *absent*, as with ``absent = true``: the reports say what it would add. Without
``customers``, each customer is derived from their orders (first order = signup); its
region comes from an orders column mapped as ``region`` (``[tables.orders.columns]
region = "Territory"``, or a ``region`` column), else ``[tables.customers.constants]
region``, else the one region "Main". Orders without an ``order_id`` column get ids
derived from the row.

Unknown keys, tables and columns are errors that name the key (with the closest valid
name), so a typo never silently falls back to a default.

``[labels.<language>]`` (``en``, ``zh-CN``) names the data's category values for the
reader: the data keep their values (filters, ``--regions North``), every table, chart and
sentence shows the name (:func:`salesmeasure.format.label`). Chinese has built-in names
for the sample's values (华北, 大客户, 硬件, ...); a value with no name is shown as it is.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from salesmeasure.errors import DataError

CONFIG_NAME = "salesmeasure.toml"
#: Environment variable naming the configuration file (like ``--config``).
CONFIG_ENV = "SALESMEASURE_CONFIG"

#: The six tables and their columns, in order (the data model; kinds live in data.schemas).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "customers": (
        "customer_id", "name", "region", "segment", "channel", "signup_date", "rep_id",
    ),
    "orders": (
        "order_id", "customer_id", "order_date", "amount", "quantity", "product_line", "rep_id",
    ),
    "reps": ("rep_id", "name", "region", "hire_date"),
    "targets": ("period", "region", "rep_id", "target_amount", "metric"),
    "surveys": (
        "response_id", "customer_id", "survey_date", "nps", "csat", "ces",
        "q_product_quality", "q_service_level", "q_after_sales", "comment",
    ),
    "complaints": (
        "complaint_id", "customer_id", "opened_date", "category", "severity", "resolved_date",
    ),
}  # fmt: skip
TABLE_NAMES = tuple(TABLE_COLUMNS)
#: Source columns a table may have beyond the data model (read when present or mapped):
#: an order's region, used when customers are derived from orders.
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {"orders": ("region",)}

#: Sections read by the analytics, not by the loader: [kpi.thresholds] (scorecard
#: thresholds), [assessment.weights] (the rep assessment), [incentives] (the commission
#: plan), [cache] (salesmeasure.books' disk cache). Kept raw in :attr:`Config.settings`;
#: each is checked by the module that reads it.
ANALYSIS_SECTIONS = ("kpi", "assessment", "incentives", "cache")
_TOP_KEYS = {"fiscal_start_month", "max_order_amount", "source", "currency", "format",
             "tables", "comments", "labels"}  # fmt: skip
_TOP_KEYS |= set(ANALYSIS_SECTIONS)
_LOCATION_KEYS = ("file", "sheet", "table", "query")


@dataclass(frozen=True)
class TextFormat:
    """How text values are written (CSV files, text columns of sheets and staging tables).

    Attributes
    ----------
    delimiter : str
        Field separator of CSV files.
    decimal : str
        Decimal mark of numbers (``"."`` or ``","``).
    thousands : str or None
        Thousands separator of numbers (``","``, ``"."``, ``" "``, ``"'"``), None for none.
    date_format : str or None
        ``strptime`` format of dates (``"%d/%m/%Y"``); None for ISO 8601.
    encoding : str
        Text encoding of CSV files.
    header : bool
        Whether the first row (after ``skip_rows``) names the columns; without one the
        columns are ``column_1``, ``column_2``, ... (text files only).
    skip_rows : int
        Rows above the header: a title row of an Excel sheet or lines before a file's
        header.

    ``delimiter`` may also be ``"whitespace"`` (columns separated by runs of spaces or
    tabs, as in an aligned text export) or ``"fixed-width"`` (columns at fixed
    positions, inferred from the file; a column may then be blank).
    """

    delimiter: str = ","
    decimal: str = "."
    thousands: str | None = None
    date_format: str | None = None
    encoding: str = "utf-8-sig"
    header: bool = True
    skip_rows: int = 0

    def is_default(self) -> bool:
        return self == TextFormat()


_FORMAT_KEYS = {f.name for f in fields(TextFormat)}
#: Delimiters that are words rather than one character (see :class:`TextFormat`).
DELIMITER_WORDS = ("whitespace", "fixed-width")


@dataclass(frozen=True)
class TableConfig:
    """Where one table is and how its columns map to ours.

    Attributes
    ----------
    name : str
        Our table name.
    file, sheet, table, query : str or None
        Where it is: a file (relative to the configuration's folder), a sheet of a
        workbook, a database table, or an SQL query. All None: the source's default
        (``<name>.csv``/``.parquet`` in a folder, a sheet or table named ``<name>``).
    columns : mapping
        Our column name -> the source's column name (only for names that differ).
    constants : mapping
        Our column name -> a value for every row (a column the source lacks).
    format : TextFormat
    allow_empty : bool
        Accept a table with no rows (by default an empty table stops the load): it is
        present and says "none happened".
    absent : bool
        There is no such table: it is not read, and the data set marks it absent
        (:attr:`salesmeasure.data.Dataset.absent`). Not for ``orders``.
    """

    name: str
    file: str | None = None
    sheet: str | None = None
    table: str | None = None
    query: str | None = None
    columns: Any = field(default_factory=lambda: MappingProxyType({}))
    constants: Any = field(default_factory=lambda: MappingProxyType({}))
    format: TextFormat = field(default_factory=TextFormat)
    allow_empty: bool = False
    absent: bool = False

    def source_name(self, column: str) -> str:
        """The source's name of our ``column``."""
        return self.columns.get(column, column)


@dataclass(frozen=True)
class Config:
    """A parsed ``salesmeasure.toml`` (or the defaults when there is none).

    Attributes
    ----------
    path : Path or None
        The file read; None for defaults.
    fiscal_start_month : int
    max_order_amount : float or None
        An explicit upper bound for one order's amount (else the automatic bound).
    source : str or None
        Where the data is, when the file says so (a folder, a workbook or a database URL;
        paths relative to the file's folder).
    format : TextFormat
        The defaults every table starts from.
    tables : mapping
        Every one of the six tables, defaults filled in.
    comment_themes : mapping
        ``[comments.themes]``: theme name -> tuple of words (survey comment themes).
    labels : mapping
        ``[labels.<language>]``: language -> kind (region, segment, ...) -> data value ->
        display name.
    settings : mapping
        The analysis sections (:data:`ANALYSIS_SECTIONS`) as written, by section name.
    """

    path: Path | None = None
    fiscal_start_month: int = 1
    max_order_amount: float | None = None
    source: str | None = None
    currency: str | None = None  #: ISO 4217 code of the amounts (issue 20), None: unstated
    format: TextFormat = field(default_factory=TextFormat)
    tables: Any = field(
        default_factory=lambda: MappingProxyType({n: TableConfig(n) for n in TABLE_NAMES})
    )
    comment_themes: Any = field(default_factory=lambda: MappingProxyType({}))
    #: ``[labels]``: language -> kind -> data value -> display name (issue 20)
    labels: Any = field(default_factory=lambda: MappingProxyType({}))
    settings: Any = field(default_factory=lambda: MappingProxyType({}))

    def table(self, name: str) -> TableConfig:
        return self.tables[name]

    @property
    def folder(self) -> Path | None:
        return self.path.parent if self.path is not None else None

    def resolve(self, relative: str | Path, default_folder: Path | None = None) -> Path:
        """A path from the file, relative to the file's folder (or ``default_folder``)."""
        p = Path(relative).expanduser()
        if p.is_absolute():
            return p
        base = self.folder if self.folder is not None else default_folder
        return (base / p) if base is not None else p

    @property
    def fingerprint(self) -> str:
        """Hash of every setting that changes what is loaded (part of the data fingerprint)."""
        payload = {
            "fiscal_start_month": self.fiscal_start_month,
            "max_order_amount": self.max_order_amount,
            # only when set, so the fingerprints of existing files stay as they were
            **({"currency": self.currency} if self.currency else {}),
            **(
                {"labels": {k: {c: dict(v) for c, v in d.items()} for k, d in self.labels.items()}}
                if self.labels
                else {}
            ),
            "tables": {
                n: {
                    **{k: getattr(t, k) for k in _LOCATION_KEYS},
                    "columns": dict(t.columns),
                    "constants": dict(t.constants),
                    "format": t.format.__dict__,
                    "allow_empty": t.allow_empty,
                    # only when set, so the fingerprints of existing files stay as they were
                    **({"absent": True} if t.absent else {}),
                }
                for n, t in self.tables.items()
            },
        }
        text = json.dumps(payload, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


#: The kinds of category value that ``[labels.<language>]`` names (salesmeasure.format.label).
LABEL_KINDS = ("region", "segment", "channel", "product_line", "category", "severity")


def _where(path: Path | None, key: str) -> str:
    return f"{path}: {key}" if path is not None else key


def _unknown(path, section: str, key: str, valid) -> DataError:
    hint = difflib.get_close_matches(key, sorted(valid), n=1)
    extra = f" (did you mean {hint[0]!r}?)" if hint else ""
    where = f"[{section}]" if section else "the top level"
    return DataError(
        f"{path or CONFIG_NAME}: unknown key {key!r} in {where}{extra}; "
        f"valid keys are {', '.join(sorted(valid))}",
        file=str(path) if path else None,
    )


def _str(path, key, value, *, allow_none=False) -> str | None:
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise DataError(
            f"{_where(path, key)} must be text in quotes, got {value!r}",
            file=str(path) if path else None,
        )
    return value


def _format(path, section: str, raw: dict, base: TextFormat) -> TextFormat:
    out = {}
    for key in _FORMAT_KEYS & raw.keys():
        value = raw[key]
        if key == "header":
            if not isinstance(value, bool):
                raise DataError(f"{_where(path, f'[{section}] header')} must be true or false")
            out[key] = value
            continue
        if key == "skip_rows":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise DataError(
                    f"{_where(path, f'[{section}] skip_rows')} must be a whole number >= 0, "
                    f"got {value!r}"
                )
            out[key] = value
            continue
        if key == "thousands" and value in ("", False):
            value = None
        value = _str(path, f"[{section}] {key}", value, allow_none=key == "thousands")
        if key == "decimal" and value not in {".", ","}:
            raise DataError(
                f'{_where(path, f"[{section}] decimal")} must be "." or ",", got {value!r}',
                file=str(path) if path else None,
            )
        if (
            key == "delimiter"
            and len(value.replace("\\t", "\t")) != 1
            and value not in DELIMITER_WORDS
        ):
            raise DataError(
                f"{_where(path, f'[{section}] delimiter')} must be one character "
                f'(";", ",", "\\t", "|"), "whitespace" or "fixed-width", got {value!r}',
                file=str(path) if path else None,
            )
        if key == "delimiter":
            value = value.replace("\\t", "\t")
        out[key] = value
    fmt = replace(base, **out)
    if fmt.thousands is not None and fmt.thousands == fmt.decimal:
        raise DataError(
            f"{_where(path, f'[{section}]')}: thousands and decimal are both {fmt.decimal!r}",
            file=str(path) if path else None,
        )
    return fmt


def _table(path, name: str, raw: Any, base: TextFormat) -> TableConfig:
    section = f"tables.{name}"
    if not isinstance(raw, dict):
        raise DataError(f"{_where(path, section)} must be a table ([{section}])")
    valid = set(_LOCATION_KEYS) | _FORMAT_KEYS | {"columns", "constants", "allow_empty", "absent"}
    for key in raw:
        if key not in valid:
            raise _unknown(path, section, key, valid)
    where = [k for k in _LOCATION_KEYS if k in raw]
    if len(where) > 1:
        raise DataError(
            f"{_where(path, f'[{section}]')}: give one of file, sheet, table or query, "
            f"not {' and '.join(where)}",
            file=str(path) if path else None,
        )
    ours = TABLE_COLUMNS[name] + EXTRA_COLUMNS.get(name, ())
    maps = {}
    for part in ("columns", "constants"):
        sub = raw.get(part, {})
        if not isinstance(sub, dict):
            raise DataError(f"{_where(path, f'[{section}.{part}]')} must be a table")
        for col, value in sub.items():
            if col not in ours:
                hint = difflib.get_close_matches(col, ours, n=1)
                extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise DataError(
                    f"{path or CONFIG_NAME}: [{section}.{part}] {col!r} is not a column of "
                    f"{name}{extra}; its columns are {', '.join(ours)} (write OUR name = "
                    f'"the source\'s name")',
                    file=str(path) if path else None,
                    column=col,
                )
            if part == "columns":
                _str(path, f"[{section}.columns] {col}", value)
        maps[part] = MappingProxyType(dict(sub))
    both = set(maps["columns"]) & set(maps["constants"])
    if both:
        raise DataError(
            f"{path or CONFIG_NAME}: [{section}] {', '.join(sorted(both))} is both mapped and a "
            f"constant; keep one"
        )
    allow_empty = raw.get("allow_empty", False)
    if not isinstance(allow_empty, bool):
        raise DataError(f"{_where(path, f'[{section}] allow_empty')} must be true or false")
    absent = raw.get("absent", False)
    if not isinstance(absent, bool):
        raise DataError(f"{_where(path, f'[{section}] absent')} must be true or false")
    if absent and name == "orders":
        raise DataError(
            f"{_where(path, f'[{section}] absent')}: orders cannot be absent; every report "
            f"reads them",
            file=str(path) if path else None,
        )
    if absent and (where or allow_empty):
        other = where[0] if where else "allow_empty"
        raise DataError(
            f"{_where(path, f'[{section}]')}: absent = true says there is no {name} table, "
            f"but {other} is set too; keep one",
            file=str(path) if path else None,
        )
    return TableConfig(
        name=name,
        **{k: _str(path, f"[{section}] {k}", raw[k]) for k in where},
        columns=maps["columns"],
        constants=maps["constants"],
        format=_format(path, section, raw, base),
        allow_empty=allow_empty,
        absent=absent,
    )


def _comment_themes(path, raw: Any) -> MappingProxyType:
    """``[comments.themes]``: each key a theme, each value a list of words."""
    if not isinstance(raw, dict):
        raise DataError(f"{_where(path, '[comments]')} must be a table")
    for key in raw:
        if key != "themes":
            raise _unknown(path, "comments", key, {"themes"})
    themes = raw.get("themes", {})
    if not isinstance(themes, dict):
        raise DataError(f"{_where(path, '[comments.themes]')} must be a table")
    out = {}
    for name, words in themes.items():
        if (
            not isinstance(words, list)
            or not words
            or not all(isinstance(w, str) and w.strip() for w in words)
        ):
            raise DataError(
                f"{_where(path, f'[comments.themes] {name}')} must be a list of words, "
                f'e.g. {name} = ["late", "courier"]; got {words!r}',
                file=str(path) if path else None,
            )
        out[str(name)] = tuple(words)
    return MappingProxyType(out)


def _labels(path, raw: Any) -> MappingProxyType:
    """``[labels.<language>]``: each kind (region, segment, ...) a table of data value =
    display name."""
    from salesmeasure.i18n import LANGUAGES

    if not isinstance(raw, dict):
        raise DataError(
            f"{_where(path, '[labels]')} must be a table", file=str(path) if path else None
        )
    out = {}
    for lang, kinds in raw.items():
        if lang not in LANGUAGES:
            hint = difflib.get_close_matches(lang, list(LANGUAGES), n=1)
            extra = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise DataError(
                f"{path or CONFIG_NAME}: unknown language [labels.{lang}]{extra}; the "
                f"languages are {', '.join(LANGUAGES)}",
                file=str(path) if path else None,
            )
        if not isinstance(kinds, dict):
            raise DataError(
                f"{_where(path, f'[labels.{lang}]')} must be a table, e.g. "
                f'[labels.{lang}] then region = {{ North = "..." }}',
                file=str(path) if path else None,
            )
        section = {}
        for kind, values in kinds.items():
            if kind not in LABEL_KINDS:
                raise _unknown(path, f"labels.{lang}", kind, set(LABEL_KINDS))
            if not isinstance(values, dict):
                raise DataError(
                    f"{_where(path, f'[labels.{lang}] {kind}')} must be a table of data value = "
                    f'"name", e.g. {kind} = {{ North = "华北" }}; got {values!r}',
                    file=str(path) if path else None,
                )
            for value, name in values.items():
                if not isinstance(name, str) or not name.strip():
                    raise DataError(
                        f"{_where(path, f'[labels.{lang}] {kind}.{value}')} must be a name in "
                        f"quotes, got {name!r}",
                        file=str(path) if path else None,
                    )
            section[kind] = MappingProxyType({str(v): n.strip() for v, n in values.items()})
        out[lang] = MappingProxyType(section)
    return MappingProxyType(out)


def parse(raw: dict, path: Path | None = None) -> Config:
    """A :class:`Config` from the parsed TOML mapping ``raw``.

    Raises
    ------
    DataError
        Naming the unknown or badly typed key.
    """
    for key in raw:
        if key not in _TOP_KEYS:
            raise _unknown(path, "", key, _TOP_KEYS)
    fsm = raw.get("fiscal_start_month", 1)
    if isinstance(fsm, bool) or not isinstance(fsm, int) or not 1 <= fsm <= 12:
        raise DataError(
            f"{_where(path, 'fiscal_start_month')} must be a month number 1-12 (4 = April), "
            f"got {fsm!r}",
            file=str(path) if path else None,
        )
    cap = raw.get("max_order_amount")
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int | float) or cap <= 0):
        raise DataError(f"{_where(path, 'max_order_amount')} must be a positive number")
    source = _str(path, "source", raw.get("source"), allow_none=True)
    currency = _str(path, "currency", raw.get("currency"), allow_none=True)
    if currency is not None:
        from babel.numbers import is_currency

        currency = currency.strip().upper()
        if not is_currency(currency):
            raise DataError(
                f"{_where(path, 'currency')} must be an ISO 4217 currency code (e.g. CNY, "
                f"USD, EUR), got {raw.get('currency')!r}",
                file=str(path) if path else None,
            )
    fmt_raw = raw.get("format", {})
    if not isinstance(fmt_raw, dict):
        raise DataError(f"{_where(path, '[format]')} must be a table")
    for key in fmt_raw:
        if key not in _FORMAT_KEYS:
            raise _unknown(path, "format", key, _FORMAT_KEYS)
    base = _format(path, "format", fmt_raw, TextFormat())
    tables_raw = raw.get("tables", {})
    if not isinstance(tables_raw, dict):
        raise DataError(f"{_where(path, '[tables]')} must be a table")
    for name in tables_raw:
        if name not in TABLE_COLUMNS:
            hint = difflib.get_close_matches(name, TABLE_NAMES, n=1)
            extra = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise DataError(
                f"{path or CONFIG_NAME}: unknown table [tables.{name}]{extra}; the tables are "
                f"{', '.join(TABLE_NAMES)}",
                file=str(path) if path else None,
            )
    tables = {
        n: _table(path, n, tables_raw[n], base) if n in tables_raw else TableConfig(n, format=base)
        for n in TABLE_NAMES
    }
    return Config(
        path=path,
        comment_themes=_comment_themes(path, raw.get("comments", {})),
        labels=_labels(path, raw.get("labels", {})),
        fiscal_start_month=fsm,
        max_order_amount=float(cap) if cap is not None else None,
        source=source,
        currency=currency,
        format=base,
        tables=MappingProxyType(tables),
        settings=MappingProxyType({k: raw[k] for k in ANALYSIS_SECTIONS if k in raw}),
    )


def read(path: str | Path) -> Config:
    """Read and check a ``salesmeasure.toml``."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such configuration file", file=str(path))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path}: not valid TOML: {exc}", file=str(path)) from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text", file=str(path)) from None
    return parse(raw, path)


def find(spec: str | Path | None, explicit: str | Path | None = None) -> Config:
    """The configuration for the data source ``spec``.

    ``explicit`` (``--config``) when given, else ``$SALESMEASURE_CONFIG`` when set; else ``salesmeasure.toml`` in the data folder,
    or beside a workbook or file; else the defaults (a database URL has no folder, so
    its mapping needs ``--config``).
    """
    explicit = explicit if explicit is not None else os.environ.get(CONFIG_ENV)
    if explicit is not None and str(explicit) != "":
        return read(explicit)
    if spec is None or "://" in str(spec):
        return Config()
    p = Path(spec).expanduser()
    folder = p if p.is_dir() else p.parent
    cand = folder / CONFIG_NAME
    return read(cand) if cand.is_file() else Config()
