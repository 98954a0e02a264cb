"""Recognising how a source writes numbers and dates, and which setting would read it.

:func:`format_problem` runs on every table during the load: a number or date column is
a *format problem* (the load stops) rather than a few bad rows when most of its values
fail to parse, or when at least 3 failing values (and 0.1% of the column) are read by a
single other setting (``thousands = ","`` reads the ``1,234.00`` that the default leaves
unread, even when only the 15% of orders above 1,000 are written so). The message names
the column, shows a few values and the ``salesmeasure.toml`` line that reads them.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from salesmeasure.config import Config, TableConfig, TextFormat
from salesmeasure.data.coerce import (
    is_missing,
    is_text,
    parse_dates,
    parse_numbers,
    strip_currency,
)
from salesmeasure.data.schemas import COLUMNS
from salesmeasure.errors import DataError

#: (decimal, thousands) pairs tried on numbers a setting did not read.
NUMBER_FORMATS = [(".", None), (".", ","), (",", None), (",", "."), (",", " "), (".", " "),
                  (".", "'"), (",", "'")]  # fmt: skip
#: Date formats tried on dates a setting did not read (day-first before month-first).
DATE_FORMATS = [
    None, "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y", "%Y/%m/%d", "%Y.%m.%d",
    "%d/%m/%y", "%m/%d/%y", "%d.%m.%y", "%Y%m%d", "%d %b %Y", "%d-%b-%Y", "%b %d, %Y",
    "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M",
]  # fmt: skip
MIN_FAILED = 3
MIN_SHARE = 0.001
SAMPLE = 5000


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'


def number_setting(values: pd.Series, fmt: TextFormat) -> tuple[dict, float]:
    """The (decimal, thousands) setting reading most of ``values`` (text, non-blank), as
    the keys that differ from ``fmt``, and the share it reads."""
    best, best_share = {}, -1.0
    for dec, th in NUMBER_FORMATS:
        cand = replace(fmt, decimal=dec, thousands=th)
        share = float(parse_numbers(values, cand).notna().mean())
        if share > best_share + 1e-12:
            best_share = share
            best = {k: v for k, v in (("decimal", dec), ("thousands", th))
                    if getattr(fmt, k) != v}  # fmt: skip
    return best, best_share


def date_setting(values: pd.Series, fmt: TextFormat) -> tuple[str | None, float, bool]:
    """The date format reading most of ``values``, the share it reads, and whether the
    day-first and month-first readings are both complete (all days <= 12: ambiguous)."""
    shares = {f: float(parse_dates(values, f).notna().mean()) for f in DATE_FORMATS}
    best = max(DATE_FORMATS, key=lambda f: (shares[f], -DATE_FORMATS.index(f)))
    twin = {"%d/%m/%Y": "%m/%d/%Y", "%d-%m-%Y": "%m-%d-%Y", "%d/%m/%y": "%m/%d/%y"}.get(best)
    ambiguous = twin is not None and shares[twin] == shares[best]
    return best, shares[best], ambiguous


def _examples(values: pd.Series, n: int = 3) -> str:
    return ", ".join(repr(v) for v in pd.unique(values.to_numpy())[:n])


def format_problem(
    name: str,
    raw: pd.DataFrame,
    typed: pd.DataFrame,
    tc: TableConfig,
    origin: str,
    text: bool = True,
) -> DataError | None:
    """A :class:`DataError` when a number or date column of ``name`` is written in a
    format ``tc`` does not read (see the module docstring), else None."""
    fmt = tc.format
    for col, kind in COLUMNS[name].items():
        base = kind.rstrip("?")
        if base not in {"num", "date"} or col in tc.constants or not is_text(raw[col]):
            continue
        blank = is_missing(raw[col])
        failed = typed[col].isna().to_numpy() & ~blank
        nf, nn = int(failed.sum()), int((~blank).sum())
        if nf == 0:
            continue
        bad = raw[col][failed].astype("str").str.strip()
        sample = bad.iloc[:SAMPLE]
        if base == "num":
            setting, share = number_setting(sample, fmt)
            lines = [f"{k} = {_toml_value(v if v is not None else '')}" for k, v in setting.items()]
        else:
            f, share, ambiguous = date_setting(sample, fmt)
            setting = {} if f == fmt.date_format else {"date_format": f or "ISO8601"}
            lines = [f"date_format = {_toml_value(v)}" for v in setting.values()]
            if ambiguous:
                lines[-1] += (
                    "   # day first; no day above 12 was seen, so check it is not month first"
                )
        most = nf > 0.5 * nn
        readable = bool(setting) and share >= 0.8 and nf >= max(MIN_FAILED, MIN_SHARE * nn)
        if not (most or readable):
            continue
        src = tc.source_name(col)
        what = "numbers" if base == "num" else "dates"
        head = (
            f"{origin}: column '{src}' ({name}.{col}) has {nf:,} of {nn:,} values that are not "
            f"{what} as the reader was told to read them, e.g. {_examples(bad)}"
        )
        if setting and share >= 0.8:
            fix = (
                f"; this is a format, not bad rows: add under [tables.{name}] in salesmeasure.toml "
                f"(or under [format] for every table):\n    " + "\n    ".join(lines)
            )
        else:
            fix = (
                "; so many unreadable values mean a format or mapping problem, not bad rows: "
                "check that the column holds "
                + what
                + (
                    f" (the date format set is {fmt.date_format!r})"
                    if base == "date" and fmt.date_format
                    else ""
                )  # fmt: skip
            )
        return DataError(head + fix, file=origin, column=col)
    return None


# ------------------------------------------------------------------ encodings
#: How messages name the encodings :func:`sniff_encoding` returns.
ENCODING_NAMES = {
    "utf-8-sig": "UTF-8",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 (little-endian, no byte-order mark)",
    "utf-16-be": "UTF-16 (big-endian, no byte-order mark)",
    "gb18030": "GB18030 (Chinese; also reads GBK and GB2312)",
    "cp1252": "Windows-1252",
}
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _decodes(raw: bytes, encoding: str) -> str | None:
    """``raw`` decoded, allowing a sample cut inside its last character; None if it fails."""
    for cut in range(4):
        try:
            return raw[: len(raw) - cut].decode(encoding)
        except UnicodeDecodeError:
            continue
        except LookupError:
            return None
    return None


def looks_gb18030(raw: bytes) -> bool:
    """Whether ``raw``'s high-bit bytes read as GB18030 Chinese text.

    They must decode, at least 80% of the non-ASCII characters must be CJK (ideographs,
    CJK punctuation, full-width forms), and 90% of the high-bit bytes must sit next to
    another (Chinese characters take two bytes above 0x80; the accented letters of
    Windows-1252 text stand alone, between ASCII letters).
    """
    text = _decodes(raw, "gb18030")
    if text is None:
        return False
    high = [ch for ch in text if ord(ch) > 0x7F]
    if not high:
        return False
    cjk = sum(1 for ch in high if _CJK.match(ch))
    arr = np.frombuffer(raw, dtype=np.uint8) >= 0x80
    nb = np.zeros_like(arr)
    nb[1:] |= arr[:-1]
    nb[:-1] |= arr[1:]
    paired = int((arr & nb).sum())
    return cjk >= 0.8 * len(high) and paired >= 0.9 * int(arr.sum())


def sniff_encoding(raw: bytes) -> str:
    """The encoding of text bytes (a file's first 64 KB are enough).

    In order: a byte-order mark (UTF-8, UTF-16); UTF-16 without one (every other byte
    NUL, as ASCII text in UTF-16 has); strict UTF-8; GB18030 when :func:`looks_gb18030`;
    else Windows-1252 (which decodes any byte).
    """
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    n = len(raw) // 2
    if n >= 2:
        even, odd = raw[0 : 2 * n : 2], raw[1 : 2 * n : 2]
        ze, zo = even.count(0) / n, odd.count(0) / n
        if zo > 0.3 and ze < 0.05:
            return "utf-16-le"
        if ze > 0.3 and zo < 0.05:
            return "utf-16-be"
    if _decodes(raw, "utf-8") is not None:
        return "utf-8-sig"
    if looks_gb18030(raw):
        return "gb18030"
    return "cp1252"


def same_encoding(a: str, b: str) -> bool:
    def norm(e):
        e = codecs.lookup(e).name if _known(e) else e.lower()
        return {"utf-8-sig": "utf-8", "utf-16-le": "utf-16", "utf-16-be": "utf-16",
                "gbk": "gb18030", "gb2312": "gb18030", "windows-1252": "cp1252"}.get(e, e)  # fmt: skip

    return norm(a) == norm(b)


def _known(e: str) -> bool:
    try:
        codecs.lookup(e)
    except LookupError:
        return False
    return True


_DOUBLE_ENCODED = re.compile("[ÃÂ][\u0080-\u00bf]|â€[\u0080-\u00bf™œ“”˜]")


def mojibake(raw: bytes, encoding: str) -> str | None:
    """Why text decoded with ``encoding`` looks garbled (mojibake), or None.

    Either the bytes sniff as another encoding (:func:`sniff_encoding`) and read
    differently in it (GB18030 bytes read as Windows-1252 give ``ÕÅÈý`` for ``张三``),
    or the text holds UTF-8 read as Windows-1252 and saved again (``Ã©`` for ``é``).
    """
    text = _decodes(raw, encoding)
    if text is None:
        return None
    likely = sniff_encoding(raw)
    if not same_encoding(likely, encoding):
        other = _decodes(raw, likely)
        if other is not None and other != text:
            word = next(iter(re.findall(r"[^\x00-\x7f]+", other)), None)
            shown = ""
            if word is not None and not likely.startswith("utf-16"):
                bad = word.encode(likely.replace("-sig", "")).decode(encoding, errors="replace")
                shown = f": read as {encoding} it says {bad!r}, as {likely} {word!r}"
            return (
                f"the text looks like {ENCODING_NAMES.get(likely, likely)}, not {encoding}"
                f'{shown}; set encoding = "{likely}"'
            )
    hits = _DOUBLE_ENCODED.findall(text)
    if len(hits) >= 3:
        return (
            f"the text looks garbled ({', '.join(map(repr, list(dict.fromkeys(hits))[:3]))}: "
            "UTF-8 text that was once read as Windows-1252 and saved again); fix the export"
        )
    return None


# ------------------------------------------------------- dots that group thousands
#: A number with dots grouping thousands and no decimals ("2.400", "1.234.567").
DOT_GROUPED = r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+"


def dot_thousands_ambiguous(values: pd.Series) -> bool:
    """Whether a text number column reads two ways: every value is a whole number or
    written like ``2.400`` (1-3 digits, then dot-and-three-digit groups), and at least
    one is the latter, so ``2.400`` may be 2.4 or 2,400."""
    s, _ = strip_currency(values[~is_missing(values)].astype("str"))
    s = s.str.strip()
    if s.empty:
        return False
    grouped = s.str.fullmatch(DOT_GROUPED)
    whole = s.str.fullmatch(r"[+-]?\d+")
    return bool(grouped.any()) and bool((grouped | whole).all())


#: Two or more dot groups ("1.234.567"): no decimal number is written so.
DOT_GROUPED_TWICE = r"[+-]?[1-9]\d{0,2}(?:\.\d{3}){2,}"


def dot_thousands_reading(values: pd.Series) -> str | None:
    """How a number column that reads two ways (:func:`dot_thousands_ambiguous`) must be
    read, decided for the whole column: ``"thousands"`` when some value has two or more
    dot groups (``1.234.567`` can only be 1,234,567, so ``2.400`` beside it is 2,400),
    ``"ambiguous"`` when every dotted value has one group (``2.400`` may be 2.4 or
    2,400: the loader refuses to guess), None when the column does not read two ways."""
    if not dot_thousands_ambiguous(values):
        return None
    s, _ = strip_currency(values[~is_missing(values)].astype("str"))
    return "thousands" if s.str.strip().str.fullmatch(DOT_GROUPED_TWICE).any() else "ambiguous"


def dot_thousands_formats(
    name: str, raw: pd.DataFrame, tc: TableConfig, origin: str, row_base: int = 1
) -> dict[str, TextFormat]:
    """Per-column number formats for the text number columns of ``name`` whose dots group
    thousands (:func:`dot_thousands_reading`), when the table is read with the default
    ``decimal = "."`` and no thousands separator (the caller checks that the
    configuration file does not set either: then it has said how to read the dot).

    Raises :class:`DataError` naming the file, the column, the row and the value when a
    column reads two ways and nothing decides which (``2.400``: 2.4 or 2,400)."""
    fmt = tc.format
    out: dict[str, TextFormat] = {}
    if fmt.decimal != "." or fmt.thousands is not None:
        return out
    for col, kind in COLUMNS[name].items():
        if kind.rstrip("?") != "num" or col in tc.constants or col not in raw.columns:
            continue
        if not is_text(raw[col]):
            continue
        how = dot_thousands_reading(raw[col])
        if how == "thousands":
            out[col] = replace(fmt, decimal=",", thousands=".")
        elif how == "ambiguous":
            text = strip_currency(raw[col].astype("str"))[0].str.strip()
            grouped = (~is_missing(raw[col])) & text.str.fullmatch(DOT_GROUPED).fillna(False)
            pos = int(np.flatnonzero(grouped.to_numpy(dtype=bool))[0])
            value = text.iloc[pos]
            whole = parse_numbers(pd.Series([value]), replace(fmt, decimal=",", thousands="."))
            src = tc.source_name(col)
            raise DataError(
                f"{origin}: column '{src}' ({name}.{col}), row {pos + row_base}: {value!r} "
                f"reads as {whole.iloc[0]:,.0f} if the dot groups thousands or as "
                f"{float(value):g} if it marks decimals, and every value of the column is a "
                f"whole number or written like it, so the data does not say which. Say it "
                f"under [tables.{name}] in salesmeasure.toml (or under [format] for every "
                f'table): decimal = "," and thousands = "." to read {whole.iloc[0]:,.0f}, '
                f'or decimal = "." to read {float(value):g}',
                file=origin,
                column=col,
            )
    return out


def said(config: Config, name: str, keys: set[str]) -> bool:
    """Whether the configuration file itself sets one of ``keys`` for table ``name``
    (under [format] or [tables.NAME]), as opposed to the defaults."""
    if config.path is None:
        return False
    try:
        raw = tomllib.loads(Path(config.path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    table = raw.get("tables", {}).get(name, {})
    return bool(keys & set(raw.get("format", {}))) or bool(keys & set(table))
