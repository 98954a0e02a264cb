"""``salesmeasure validate``'s advice: the ``salesmeasure.toml`` lines that would read a
source as it is written.

:func:`suggest` looks at each table the way a person would: for a folder it finds the
file (also ``Orders export.csv`` for ``orders``, or the one text file nobody else
claims, such as a transaction log ``CDNOW_master.txt``), sniffs the layout (a
one-character delimiter, columns separated by runs of spaces, or fixed-width columns),
title lines above the header, whether there is a header at all, and the encoding
(UTF-8, UTF-16 with or without a byte-order mark, GB18030, Windows-1252:
:func:`~salesmeasure.data.detect.sniff_encoding`); for a workbook, a title row above a
sheet's header. For every source it matches the source's column names to ours (exact
after lower-casing and dropping spaces and punctuation, then common CRM synonyms such as
``Net Amount`` for ``amount``, then close spellings; without a header, by what the
columns hold: a date column, a column of decimals for the amount, small whole numbers
for the quantity, a repeating id for the customer), and tries the number and date
formats of :mod:`salesmeasure.data.detect` on the text columns, including dots that
group thousands (``2.400``). Settings shared by every table go under ``[format]``.

:func:`notes` gives ``validate``'s warnings about data that loads but may be misread.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from salesmeasure.config import CONFIG_NAME, Config, TextFormat
from salesmeasure.data.coerce import (
    _TIME_RE,
    _ZONE_RE,
    is_blank,
    is_missing,
    is_text,
    parse_dates,
    parse_numbers,
    strip_currency,
)
from salesmeasure.data.detect import (
    _DOUBLE_ENCODED,
    DOT_GROUPED_TWICE,
    _decodes,
    _toml_value,
    date_setting,
    dot_thousands_ambiguous,
    dot_thousands_reading,
    mojibake,
    number_setting,
    said,
    sniff_encoding,
)
from salesmeasure.data.schemas import COLUMNS, ID_COLUMN, TABLE_NAMES
from salesmeasure.errors import DataError
from salesmeasure.sources import RawTable, open_source

#: Other names CRM and ERP exports use for our columns (normalised: lower case, a-z0-9).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_id": ("customer", "customerno", "customernumber", "custid", "accountid", "account",
                    "accountno", "accountnumber", "clientid", "client", "kundennr"),
    "order_id": ("order", "orderno", "ordernumber", "invoiceno", "invoice", "invoiceid", "dealid",
                 "opportunityid", "documentno"),
    "order_date": ("date", "orderdate", "closedate", "invoicedate", "created", "createddate"),
    "amount": ("netamount", "revenue", "value", "total", "netrevenue", "sales", "netvalue",
               "dealvalue", "netsales", "amountnet"),
    "quantity": ("qty", "units", "unitcount", "pieces"),
    "product_line": ("product", "productline", "productfamily", "productgroup", "category"),
    "rep_id": ("rep", "owner", "ownerid", "salesrep", "salesrepid", "accountowner",
               "salesperson", "repno", "employeeid"),
    "name": ("accountname", "customername", "company", "companyname", "fullname", "repname"),
    "region": ("territory", "area", "salesregion", "salesterritory"),
    "segment": ("customersegment", "tier", "size"),
    "channel": ("saleschannel", "source", "leadsource"),
    "signup_date": ("createddate", "customersince", "since", "startdate", "accountcreated"),
    "hire_date": ("hired", "startdate", "hiredate", "joined"),
    "period": ("quarter", "fiscalperiod", "targetperiod"),
    "target_amount": ("target", "quota", "targetvalue"),
    "response_id": ("response", "responseno", "surveyid", "surveyresponseid"),
    "survey_date": ("date", "responsedate", "submitted", "submitteddate", "surveyed"),
    "nps": ("npsscore", "recommend", "likelihoodtorecommend"),
    "csat": ("satisfaction", "csatscore"),
    "ces": ("effort", "customereffort", "cesscore"),
    "comment": ("comments", "feedback", "text", "verbatim", "remarks"),
    "complaint_id": ("complaint", "ticket", "ticketid", "ticketno", "caseid", "case", "caseno"),
    "opened_date": ("opened", "createddate", "created", "opendate", "reported"),
    "category": ("type", "topic", "complainttype"),
    "severity": ("priority",),
    "resolved_date": ("resolved", "closed", "closeddate", "resolveddate", "closedate"),
}  # fmt: skip


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def match_columns(table: str, have: list[str], current: dict | None = None) -> dict[str, str]:
    """Our column -> the source's column, for columns the source names differently."""
    current = dict(current or {})
    taken = set(current.values())
    out = {}
    spare = [c for c in have if c not in taken and c not in COLUMNS[table]]
    by_norm = {_norm(c): c for c in spare}
    for col in COLUMNS[table]:
        if current.get(col, col) in have:
            continue
        found = by_norm.get(_norm(col)) or next(
            (by_norm[s] for s in SYNONYMS.get(col, ()) if s in by_norm), None
        )
        if found is None:
            close = difflib.get_close_matches(_norm(col), list(by_norm), n=1, cutoff=0.75)
            found = by_norm[close[0]] if close else None
        if found is not None and found not in out.values():
            out[col] = found
            by_norm = {k: v for k, v in by_norm.items() if v != found}
    return out


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _consistent(counts: list[int]) -> tuple[int, int] | None:
    """(the usual count, how many leading lines differ) when, after at most 10 leading
    lines (a title: fewer fields than the header, and most of the lines stay), >= 90% of
    the lines share one count >= 1 and the first of them (the header) has it; else None."""
    for lead in range(min(10, len(counts) - 1) + 1):
        rest = counts[lead:]
        if lead and len(rest) < max(2, len(counts) / 2):
            break
        usual, n = Counter(rest).most_common(1)[0]
        titles_short = all(c < usual for c in counts[:lead])
        if usual >= 1 and n >= 0.9 * len(rest) and rest[0] == usual and titles_short:
            return usual, lead
    return None


def sniff_layout(lines: list[str], delimiter: str) -> dict:
    """The text layout of ``lines`` (a file's first lines): ``delimiter`` (a character,
    ``"whitespace"`` or ``"fixed-width"``) and ``skip_rows`` (title lines above the header)."""
    lines = [ln for ln in lines if ln.strip()]
    if not lines:
        return {"delimiter": delimiter, "skip_rows": 0}
    tried = [delimiter] if len(delimiter) == 1 else []
    best = None  # the consistent delimiter splitting most fields (decimal commas split one)
    for d in dict.fromkeys([*tried, ",", ";", "\t", "|"]):
        found = _consistent([ln.count(d) for ln in lines])
        if found is not None and (best is None or found[0] > best[1][0]):
            best = (d, found)
    if best is not None:
        return {"delimiter": best[0], "skip_rows": best[1][1]}
    fields = [len(ln.split()) for ln in lines]
    found = _consistent(fields)
    if found is not None and found[0] >= 2:
        return {"delimiter": "whitespace", "skip_rows": found[1]}
    if max(fields) >= 2:
        # blank fields or spaces inside fields: aligned columns; title lines are the short
        # ones at the top
        width = Counter(len(ln.rstrip()) for ln in lines).most_common(1)[0][0]
        lead = 0
        while lead < min(10, len(lines) - 1) and len(lines[lead].rstrip()) < 0.5 * width:
            lead += 1
        return {"delimiter": "fixed-width", "skip_rows": lead}
    return {"delimiter": delimiter if len(delimiter) == 1 else ",", "skip_rows": 0}


def _looks_like_data(values: list[str]) -> bool:
    """Whether a first row holds values (numbers, dates) rather than column names."""
    vals = [v.strip() for v in values if str(v).strip()]
    if not vals:
        return False
    numeric = sum(bool(re.fullmatch(r"[+-]?[\d.,:/ -]*\d[\d.,:/ -]*", v)) for v in vals)
    return numeric >= max(1, len(vals) // 2)


def _find_file(root: Path, name: str, claimed: set[Path] | None = None) -> Path | None:
    for ext in ("parquet", "csv"):
        if (root / f"{name}.{ext}").is_file():
            return root / f"{name}.{ext}"
    stem = name.rstrip("s")
    text_suffixes = {".csv", ".txt", ".tsv", ".dat", ".prn"}
    like = sorted(
        p for p in root.iterdir()
        if p.is_file() and stem in p.name.lower() and p.suffix.lower() in text_suffixes
    )  # fmt: skip
    if like:
        return like[0]
    if name == "orders":  # a lone transaction log is the orders
        others = {t.rstrip("s") for t in TABLE_NAMES}
        lone = sorted(
            p for p in root.iterdir()
            if p.is_file() and p.suffix.lower() in text_suffixes
            and not any(o in p.name.lower() for o in others)
            and p not in (claimed or set())
        )  # fmt: skip
        if len(lone) == 1:
            return lone[0]
    return None


def _read_text_table(path: Path, fmt: TextFormat) -> tuple[pd.DataFrame, dict]:
    """A text file as strings with the layout and encoding that read it, and the
    settings that differ from ``fmt``."""
    from salesmeasure.sources.folder import read_text

    changes: dict = {}
    raw = path.read_bytes()[: 1 << 16]
    encoding = fmt.encoding
    if _decodes(raw, encoding) is None or mojibake(raw, encoding) is not None:
        encoding = sniff_encoding(raw)
        if encoding != fmt.encoding:
            changes["encoding"] = encoding
    text = _decodes(raw, encoding) or ""
    lines = text.splitlines()[:200]
    if len(raw) == (1 << 16) and len(lines) > 1:
        lines = lines[:-1]  # the sample may end mid-line
    layout = sniff_layout(lines, fmt.delimiter)
    for key in ("delimiter", "skip_rows"):
        if layout[key] != getattr(fmt, key):
            changes[key] = layout[key]
    read_fmt = replace(fmt, **changes)
    first = [ln for ln in lines if ln.strip()][layout["skip_rows"] :][:1]
    if first:
        d = layout["delimiter"]
        cells = first[0].split() if len(d) > 1 else first[0].split(d)
        header = not _looks_like_data(cells)
        if header != fmt.header:
            changes["header"] = header
        read_fmt = replace(read_fmt, header=header)
    df = read_text(path, read_fmt, nrows=20000)
    df.columns = [str(c).strip() for c in df.columns]
    return df, changes


def _profile(s: pd.Series) -> dict:
    """What a text column holds: dates, whole numbers, decimals, repeats."""
    v = s[~is_blank(s)].astype("str").str.strip().iloc[:5000]
    if v.empty:
        return {"kind": "empty"}
    fmt, share, _ = date_setting(v, TextFormat())
    looks_date = (
        share >= 0.9 and v.str.fullmatch(r"\d{1,4}[-/.]?\d{1,2}[-/.]?\d{1,4}.*").mean() > 0.9
    )
    num = parse_numbers(v, TextFormat())
    if not looks_date and num.notna().mean() >= 0.95:
        n = num.dropna()
        whole = bool((n == n.round()).all())
        padded = bool(v.str.match(r"0\d").any())
        return {"kind": "id" if padded else "int" if whole else "decimal",
                "max": float(n.max()), "unique": v.nunique() / len(v)}  # fmt: skip
    if looks_date:
        return {"kind": "date", "format": fmt}
    return {"kind": "text", "unique": v.nunique() / len(v)}


def guess_by_content(table: str, df: pd.DataFrame, taken: set[str]) -> dict[str, str]:
    """Our column -> a column of a file without a header, by what the columns hold."""
    prof = {c: _profile(df[c]) for c in df.columns if c not in taken}
    out: dict[str, str] = {}

    def pick(ok, key=None):
        cands = [c for c, p in prof.items() if c not in out.values() and ok(p)]
        if key is not None:
            cands.sort(key=lambda c: key(prof[c]))
        return cands[0] if cands else None

    kinds = COLUMNS[table]
    for col, kind in kinds.items():  # dates first: they are the least ambiguous
        if kind.startswith("date") and (c := pick(lambda p: p["kind"] == "date")):
            out[col] = c
    for col in ("amount", "target_amount"):
        if col in kinds and (c := pick(lambda p: p["kind"] == "decimal")
                             or pick(lambda p: p["kind"] == "int", key=lambda p: -p["max"])):  # fmt: skip
            out[col] = c
    own = ID_COLUMN.get(table)
    order = sorted(kinds, key=lambda c: c == own)  # the customer before the table's own id
    for col in order:
        kind = kinds[col]
        if not kind.startswith("id") or col in out:
            continue
        if col == own:
            c = pick(lambda p: p["kind"] in {"id", "int", "text"} and p["unique"] == 1.0)
        elif col == "customer_id":
            c = pick(lambda p: p["kind"] in {"id", "int", "text"} and p["unique"] < 1.0)
        else:
            c = None
        if c:
            out[col] = c
    if "quantity" in kinds and (c := pick(lambda p: p["kind"] == "int" and p["max"] <= 10_000)):
        out["quantity"] = c
    return out


def _formats(table: str, df: pd.DataFrame, mapping: dict, fmt: TextFormat) -> dict:
    """Number and date settings that read the table's text columns better than ``fmt``."""
    changes: dict = {}
    for col, kind in COLUMNS[table].items():
        src = mapping.get(col, col)
        if src not in df.columns or not is_text(df[src]):
            continue
        s = df[src][~is_blank(df[src])].astype("str").str.strip().iloc[:5000]
        if s.empty:
            continue
        base = kind.rstrip("?")
        if base == "num" and not {"decimal", "thousands"} & changes.keys():
            now = float(parse_numbers(s, fmt).notna().mean())
            setting, share = number_setting(s, fmt)
            if setting and share > now and share >= 0.8:
                changes.update(setting)
            elif fmt.decimal == "." and fmt.thousands is None and dot_thousands_ambiguous(s):
                changes.update({"decimal": ",", "thousands": "."})  # "2.400" is 2,400
        elif base == "date" and "date_format" not in changes:
            now = float(parse_dates(s, fmt.date_format).notna().mean())
            f, share, _ = date_setting(s, fmt)
            if f != fmt.date_format and share > now and share >= 0.8:
                changes["date_format"] = f or "ISO8601"
    return changes


#: A value for a descriptive column the source does not have (so the suggestion loads).
FILL_INS = {"product_line": "All products", "segment": "Unknown", "channel": "Unknown",
            "category": "Unknown", "severity": "Unknown"}  # fmt: skip


def _fill_ins(table: str, df: pd.DataFrame, mapping: dict, tc) -> dict:
    """Constants for columns the source lacks and no mapping found: a neutral word for a
    descriptive column, empty for an optional one (a rep, a comment); none for an id, a
    date or an amount, which only the data can give."""
    from salesmeasure.data.load import OPTIONAL_SOURCE_COLUMNS
    from salesmeasure.data.schemas import OPTIONAL_COLUMNS

    filled_by_the_loader = {
        *OPTIONAL_SOURCE_COLUMNS.get(table, ()),
        *OPTIONAL_COLUMNS.get(table, {}),
    }
    out = {}
    for col, kind in COLUMNS[table].items():
        if col in tc.constants or mapping.get(col, col) in df.columns:
            continue
        if col in filled_by_the_loader:  # derived ids, one unit a line, revenue targets
            continue
        if col in FILL_INS:
            out[col] = FILL_INS[col]
        elif kind.endswith("?") or kind == "text":
            out[col] = ""
    return out


def _relevant(table: str, df: pd.DataFrame, mapping: dict, text_file: bool) -> set[str]:
    """The format keys that change how this table is read."""
    keys = {"delimiter", "encoding", "header", "skip_rows"} if text_file else {"skip_rows"}
    for col, kind in COLUMNS[table].items():
        src = mapping.get(col, col)
        if src in df.columns and is_text(df[src]):
            if kind.startswith("num"):
                keys |= {"decimal", "thousands"}
            elif kind.startswith("date"):
                keys.add("date_format")
    return keys


def suggest(spec, config: Config | None = None) -> str | None:
    """The ``salesmeasure.toml`` text that would read ``spec``, or None when the present
    configuration already reads every table as well as any setting would."""
    config = config or Config()
    src = open_source(spec, config)
    root = Path(spec) if not isinstance(spec, str) or "://" not in spec else None
    raw_tables = None
    changed = False
    sections: dict[str, dict] = {}
    claimed: set[Path] = set()
    for name in sorted(TABLE_NAMES, key=lambda n: n == "orders"):  # orders last: a lone file
        tc = config.table(name)
        loc, fmt_changes, text_file = {}, {}, False
        try:
            if root is not None and root.is_dir():
                path = config.resolve(tc.file, root) if tc.file else _find_file(root, name, claimed)
                if path is None:
                    continue
                claimed.add(path)
                if path.name not in {f"{name}.csv", f"{name}.parquet"} or tc.file:
                    loc["file"] = (
                        str(path.relative_to(config.folder or root))
                        if path.is_relative_to(config.folder or root)
                        else str(path)
                    )
                if path.suffix.lower() == ".parquet":
                    df = pd.read_parquet(path)
                else:
                    df, fmt_changes = _read_text_table(path, tc.format)
                    text_file = True
            elif hasattr(src, "read_sheet"):  # a workbook: each sheet alone, title rows seen
                sheet = src._sheet(name, config)
                skip = src.title_rows(name, sheet) if tc.format.skip_rows == 0 else 0
                if skip:
                    fmt_changes["skip_rows"] = skip
                df = src.read_sheet(name, sheet=sheet, skip_rows=skip or tc.format.skip_rows).frame
            elif hasattr(src, "read_table"):  # a database: each table alone
                df = src.read_table(name, **src._where(name, config)).frame
            else:
                raw_tables = raw_tables or src.read(config)
                rt: RawTable = raw_tables[name]
                df = rt.frame
        except (DataError, OSError, ValueError):
            continue
        fmt = replace(tc.format, **fmt_changes)
        found = match_columns(name, list(df.columns), dict(tc.columns)) if fmt.header else {}
        mapping = {**dict(tc.columns), **found}
        if not fmt.header:
            taken = set(mapping.values())
            mapping.update(
                {k: v for k, v in guess_by_content(name, df, taken).items() if k not in mapping}
            )
        fmt_changes.update(_formats(name, df, mapping, fmt))
        constants = {**_fill_ins(name, df, mapping, tc), **dict(tc.constants)}
        sections[name] = {"loc": loc, "format": fmt_changes, "columns": mapping,
                          "constants": constants,
                          "relevant": _relevant(name, df, mapping, text_file)}  # fmt: skip
        changed = changed or bool(fmt_changes) or mapping != dict(tc.columns)
        changed = changed or constants != dict(tc.constants)
        changed = changed or loc.get("file", tc.file) != tc.file
    if hasattr(src, "close"):
        src.close()
    return render_toml(config, sections) if changed else None


def render_toml(config: Config, sections: dict[str, dict]) -> str:
    """``salesmeasure.toml`` text for the per-table ``sections`` (common formats hoisted)."""
    lines = [f"# {CONFIG_NAME} suggested by `salesmeasure validate`"]
    if config.fiscal_start_month != 1:
        lines.append(f"fiscal_start_month = {config.fiscal_start_month}")
    common = {}
    if len(sections) == len(TABLE_NAMES):
        for key in ("delimiter", "encoding", "decimal", "thousands", "date_format"):
            wanted = [s["format"].get(key) for s in sections.values() if key in s["relevant"]]
            if wanted and wanted[0] is not None and all(w == wanted[0] for w in wanted):
                common[key] = wanted[0]
    base = {k: v for k, v in config.format.__dict__.items() if v != getattr(TextFormat(), k)}
    base.update(common)
    if base:
        lines += ["", "[format]"] + [f"{k} = {_toml_value(v)}" for k, v in base.items()]
    for name, s in sorted(sections.items(), key=lambda kv: TABLE_NAMES.index(kv[0])):
        own = {k: v for k, v in s["format"].items() if k not in common}
        body = [f"{k} = {_toml_value(v)}" for k, v in {**s["loc"], **own}.items()]
        if config.table(name).allow_empty:
            body.append("allow_empty = true")
        if body:
            lines += ["", f"[tables.{name}]"] + body
        if s["columns"]:
            lines += ["", f"[tables.{name}.columns]"]
            cols = sorted(s["columns"].items(), key=lambda kv: list(COLUMNS[name]).index(kv[0]))
            lines += [f"{ours} = {_toml_value(theirs)}" for ours, theirs in cols]
        if s["constants"]:
            lines += ["", f"[tables.{name}.constants]"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in s["constants"].items()]
    return "\n".join(lines) + "\n"


def advice(spec, config_path=None) -> str | None:
    """For ``validate``: the suggested ``salesmeasure.toml`` with a line saying where to
    save it, or None (no better reading found, or the source cannot be opened at all)."""
    from salesmeasure import config as sm_config

    try:
        cfg = sm_config.find(spec, config_path)
        text = suggest(spec, cfg)
    except Exception:  # advice is a help: an unforeseen source never becomes a traceback
        return None
    if text is None:
        return None
    if cfg.path is not None:
        where = str(cfg.path)
    elif isinstance(spec, str) and "://" in spec:
        where = f"a {CONFIG_NAME} named with --config"
    else:
        p = Path(spec)
        where = str((p if p.is_dir() else p.parent) / CONFIG_NAME)
    return (
        f"# The data looks readable with these settings; check them and save them as\n"
        f"# {where}\n{text}"
    )


# ------------------------------------------------------------------ validate's warnings
_said = said  # the loader asks it too (detect.said)


def _sample_frames(src, config: Config) -> dict[str, tuple[pd.DataFrame, str, bytes | None]]:
    """Each table's frame as read (a sample of text files), how it is named, and the
    first bytes of a text file (for the encoding check)."""
    from salesmeasure.sources.folder import FolderSource, read_text

    out = {}
    if isinstance(src, FolderSource):
        for name in TABLE_NAMES:
            try:
                path = src.path(name, config)
                if path.suffix.lower() == ".parquet":
                    out[name] = (pd.read_parquet(path), str(path), None)
                    continue
                head = path.read_bytes()[: 1 << 16]
                fmt = config.table(name).format
                out[name] = (read_text(path, fmt, nrows=50_000), str(path), head)
            except (DataError, OSError, ValueError):
                continue
        return out
    try:
        raw = src.read(config)
    except (DataError, OSError, ValueError):
        return out
    return {name: (rt.frame, rt.origin, None) for name, rt in raw.tables.items()}


class Note(NamedTuple):
    """One remark of :func:`notes`: ``level`` is "warning" (may be misread) or "note"."""

    level: str
    text: str


def notes(spec, config: Config | None = None) -> list[Note]:
    """What ``validate`` says about a source beyond its bad rows: warnings (values that
    may be misread) and notes (how values were read).

    * text that looks like another encoding (mojibake, :func:`~.detect.mojibake`);
    * a number column whose dots group thousands (``1.234.567``), read so for the whole
      column while the configuration does not say how to read the dot
      (:func:`~.detect.dot_thousands_reading`; a column where ``2.400`` may be 2.4 or
      2,400 is refused by the loader, naming the row);
    * the currency written with the amounts (removed before reading), or several;
    * dates written with a time zone (each read as its date at that offset).
    """
    config = config or Config()
    try:
        src = open_source(spec, config)
    except (DataError, OSError, ValueError):
        return []
    out = []
    for name, (df, origin, head) in _sample_frames(src, config).items():
        tc = config.table(name)
        if head is not None:
            why = mojibake(head, tc.format.encoding)
            if why:
                out.append(Note("warning", f"{origin}: {why}"))
        df = df.copy()
        df.columns = [str(c).strip() for c in df.columns]
        for col, kind in COLUMNS[name].items():
            src_col = tc.source_name(col)
            if col in tc.constants or src_col not in df.columns or not is_text(df[src_col]):
                continue
            s = df[src_col]
            s = s[~is_missing(s)].astype("str").str.strip()
            if s.empty:
                continue
            where = f"{origin}: column '{src_col}' ({name}.{col})"
            if head is None and kind in {"text", "str"}:  # decoded by a workbook or database
                hits = _DOUBLE_ENCODED.findall(" ".join(s.iloc[:2000]))
                if len(hits) >= 3:
                    shown = ", ".join(map(repr, list(dict.fromkeys(hits))[:3]))
                    out.append(
                        Note(
                            "warning",
                            f"{where}: the text looks garbled ({shown}: UTF-8 text that was once "
                            "read as Windows-1252 and saved again); fix it at the source",
                        )
                    )
                continue
            if kind.startswith("num"):
                fmt = tc.format
                how = None
                if (
                    fmt.decimal == "."
                    and fmt.thousands is None
                    and not _said(config, name, {"decimal", "thousands"})
                ):
                    how = dot_thousands_reading(s)
                if how == "thousands":  # "ambiguous": the loader refuses it, naming the row
                    plain = strip_currency(s)[0].str.strip()
                    ex = plain[plain.str.fullmatch(DOT_GROUPED_TWICE)].iloc[0]
                    whole = parse_numbers(pd.Series([ex]), replace(fmt, decimal=",", thousands="."))
                    out.append(
                        Note(
                            "note",
                            f"{where}: the dot groups thousands ({ex!r} is {whole.iloc[0]:,.0f}; "
                            f"no decimal number is written so), read so for the whole column "
                            f'(decimal = "," and thousands = "." under [tables.{name}] say it)',
                        )
                    )
                _, cur = strip_currency(s)
                seen = cur.dropna()
                if len(seen):
                    kinds = seen.value_counts()
                    ex = s[cur.notna()].iloc[0]
                    listed = ", ".join(f"{c} ({n:,})" for c, n in kinds.items())
                    level = "warning" if len(kinds) > 1 else "note"
                    out.append(
                        Note(
                            level,
                            f"{where}: amounts are written with a currency ({listed}, e.g. {ex!r}); "
                            "the sign is removed before reading"
                            + (
                                "; rows in other than the main currency are quarantined"
                                if len(kinds) > 1
                                else ""
                            ),  # fmt: skip
                        )
                    )
            elif kind.startswith("date"):
                zoned = s[s.str.contains(_TIME_RE, regex=True)]
                zoned = zoned[zoned.str.contains(_ZONE_RE, regex=True)]
                if len(zoned):
                    ex = zoned.iloc[0]
                    day = parse_dates(pd.Series([ex]), tc.format.date_format).iloc[0]
                    shown = f"{day:%Y-%m-%d}" if pd.notna(day) else "unreadable"
                    out.append(
                        Note(
                            "note",
                            f"{where}: {len(zoned):,} dates carry a time zone (e.g. {ex!r}); each is "
                            f"read as its calendar date at that offset ({shown})",
                        )
                    )
    return out
