"""``salesmeasure validate``'s advice: the ``salesmeasure.toml`` lines that would read a
source as it is written.

:func:`suggest` looks at each table the way a person would: for a folder it finds the
file (also ``Orders export.csv`` for ``orders``), sniffs the delimiter and the encoding;
for every source it matches the source's column names to ours (exact after lower-casing
and dropping spaces and punctuation, then common CRM synonyms such as ``Net Amount`` for
``amount``, then close spellings), and tries the number and date formats of
:mod:`salesmeasure.data.detect` on the text columns. Settings shared by every table go
under ``[format]``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd

from salesmeasure.config import CONFIG_NAME, Config, TextFormat
from salesmeasure.data.coerce import is_blank, is_text, parse_dates, parse_numbers
from salesmeasure.data.detect import _toml_value, date_setting, number_setting
from salesmeasure.data.schemas import COLUMNS, TABLE_NAMES
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


def _find_file(root: Path, name: str) -> Path | None:
    for ext in ("parquet", "csv"):
        if (root / f"{name}.{ext}").is_file():
            return root / f"{name}.{ext}"
    stem = name.rstrip("s")
    like = sorted(
        p for p in root.iterdir()
        if p.is_file() and stem in p.name.lower() and p.suffix.lower() in {".csv", ".txt", ".tsv"}
    )  # fmt: skip
    return like[0] if like else None


def _read_text_table(path: Path, fmt: TextFormat) -> tuple[pd.DataFrame, dict]:
    """A CSV as strings with the delimiter and encoding that read it, and the settings
    that differ from ``fmt``."""
    changes = {}
    raw = path.read_bytes()[: 1 << 16]
    encoding = fmt.encoding
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        encoding = "cp1252"
        changes["encoding"] = encoding
    first = raw.decode(encoding, errors="replace").splitlines()[0] if raw else ""
    delim = fmt.delimiter if first.count(fmt.delimiter) else _sniff_delimiter(first)
    if delim != fmt.delimiter:
        changes["delimiter"] = delim
    df = pd.read_csv(
        path, dtype=str, keep_default_na=False, sep=delim, encoding=encoding, nrows=20000
    )
    df.columns = [str(c).strip() for c in df.columns]
    return df, changes


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
        elif base == "date" and "date_format" not in changes:
            now = float(parse_dates(s, fmt.date_format).notna().mean())
            f, share, _ = date_setting(s, fmt)
            if f != fmt.date_format and share > now and share >= 0.8:
                changes["date_format"] = f or "ISO8601"
    return changes


def _relevant(table: str, df: pd.DataFrame, mapping: dict, text_file: bool) -> set[str]:
    """The format keys that change how this table is read."""
    keys = {"delimiter", "encoding"} if text_file else set()
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
    for name in TABLE_NAMES:
        tc = config.table(name)
        loc, fmt_changes, text_file = {}, {}, False
        try:
            if root is not None and root.is_dir():
                path = config.resolve(tc.file, root) if tc.file else _find_file(root, name)
                if path is None:
                    continue
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
            else:
                raw_tables = raw_tables or src.read(config)
                rt: RawTable = raw_tables[name]
                df = rt.frame
        except (DataError, OSError, ValueError):
            continue
        fmt = replace(tc.format, **fmt_changes)
        mapping = {**dict(tc.columns), **match_columns(name, list(df.columns), dict(tc.columns))}
        fmt_changes.update(_formats(name, df, mapping, fmt))
        sections[name] = {"loc": loc, "format": fmt_changes, "columns": mapping,
                          "constants": dict(tc.constants),
                          "relevant": _relevant(name, df, mapping, text_file)}  # fmt: skip
        changed = changed or bool(fmt_changes) or mapping != dict(tc.columns)
        changed = changed or loc.get("file", tc.file) != tc.file
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
    for name, s in sections.items():
        own = {k: v for k, v in s["format"].items() if k not in common}
        body = [f"{k} = {_toml_value(v)}" for k, v in {**s["loc"], **own}.items()]
        if config.table(name).allow_empty:
            body.append("allow_empty = true")
        if body:
            lines += ["", f"[tables.{name}]"] + body
        if s["columns"]:
            lines += ["", f"[tables.{name}.columns]"]
            lines += [f"{ours} = {_toml_value(theirs)}" for ours, theirs in s["columns"].items()]
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
    except (DataError, OSError, ValueError, UnicodeError):
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
