"""Files as they come (issue 23): whitespace-aligned and fixed-width exports, encodings,
dots that group thousands, currency signs, Excel title rows and unsaved formulas, time
zones, database URLs with awkward passwords, and ``N/A`` scores, each through the real
``salesmeasure validate`` (its typer app, run in this process: tests/clirun.py) and
:func:`salesmeasure.data.load`."""

from __future__ import annotations

from pathlib import Path

import clirun
import pandas as pd
import pytest

from salesmeasure.data import load

TINY = {
    "reps": "rep_id,name,region,hire_date\nR1,Ann,North,2020-01-01\nR2,Bo,South,2021-05-01\n",
    "customers": (
        "customer_id,name,region,segment,channel,signup_date,rep_id\n"
        "00001,Acme,North,SMB,Direct,2025-01-10,R1\n"
        "00002,Beta,South,Enterprise,Partner,2025-03-01,R2\n"
        "00003,Gamma,North,SMB,Online,2025-07-01,R1\n"
    ),
    "orders": (
        "order_id,customer_id,order_date,amount,quantity,product_line,rep_id\n"
        "O1,00001,2025-01-10,100.50,1,Hardware,R1\n"
        "O2,00001,2025-08-15,200,2,Software,R1\n"
        "O3,00002,2025-03-01,1000,10,Services,R2\n"
        "O4,00003,2025-07-01,50,1,Hardware,R1\n"
    ),
    "targets": "period,region,rep_id,target_amount\n2025Q3,North,,500\n2025Q3,South,,800\n",
    "surveys": (
        "response_id,customer_id,survey_date,nps,csat,ces,q_product_quality,"
        "q_service_level,q_after_sales,comment\n"
        "S1,00001,2025-08-20,9,5,6,5,4,,great\n"
        "S2,00002,2025-03-10,3,2,,2,1,2,\n"
    ),
    "complaints": (
        "complaint_id,customer_id,opened_date,category,severity,resolved_date\n"
        "K1,00002,2025-04-01,Billing,Low,2025-04-03\nK2,00001,2025-09-01,Delivery,High,\n"
    ),
}


def run(*args, cwd=None):
    """``salesmeasure *args`` in this process (tests/clirun.py: 1.2 s less per call)."""
    r = clirun.run(*args, cwd=cwd)
    assert "Traceback" not in r.stderr + r.stdout, r.stderr
    return r


def write_tiny(d: Path, skip=()) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    for name, text in TINY.items():
        if name not in skip:
            (d / f"{name}.csv").write_text(text, encoding="utf-8")
    return d


@pytest.fixture()
def tiny(tmp_path):
    return write_tiny(tmp_path / "tiny")


def save_suggestion(d: Path, stdout: str) -> str:
    assert "suggested by `salesmeasure validate`" in stdout, stdout
    (d / "salesmeasure.toml").write_text(stdout, encoding="utf-8")
    return stdout


# ------------------------------------------------- 1. whitespace-aligned, fixed-width
CDNOW_LINES = [  # the CDNOW master log's layout: customer, date, CDs, dollars
    "   00001 19970101  1  11.77",
    "   00002 19970112  1  12.00",
    "   00002 19970112  5  77.00",
    "   00003 19970102  2  20.76",
    "   00003 19970330  2  20.76",
    "   00003 19970402  2  19.54",
]


def test_cdnow_style_log_gets_whitespace_headerless_settings_and_guessed_columns(tmp_path):
    from salesmeasure import config as sm_config
    from salesmeasure.sources.folder import FolderSource, read_file

    d = tmp_path / "cdnow"
    d.mkdir()
    (d / "CDNOW_master.txt").write_text("\n".join(CDNOW_LINES) + "\n")
    r = run("validate", d)
    assert r.returncode == 2
    toml = save_suggestion(d, r.stdout)
    for line in ('file = "CDNOW_master.txt"', 'delimiter = "whitespace"', "header = false",
                 'customer_id = "column_1"', 'order_date = "column_2"', 'quantity = "column_3"',
                 'amount = "column_4"'):  # fmt: skip
        assert line in toml, toml
    # the loader fills what a log lacks (one product line, ids from the row): no constant
    assert "product_line" not in toml and "order_id" not in toml, toml
    # the saved settings read the log as written, and the log loads whole (orders alone)
    cfg = sm_config.find(d)
    path = FolderSource(d).path("orders", cfg)
    frame = read_file(path, cfg.table("orders").format)
    assert frame.columns.tolist() == ["column_1", "column_2", "column_3", "column_4"]
    assert frame["column_1"].tolist()[:3] == ["00001", "00002", "00002"]
    assert frame["column_2"].tolist()[0] == "19970101"
    assert frame["column_4"].tolist() == ["11.77", "12.00", "77.00", "20.76", "20.76", "19.54"]
    ds = load(d)
    assert ds.absent >= {"customers", "reps", "targets", "surveys", "complaints"}
    assert ds.orders["amount"].sum() == pytest.approx(11.77 + 12 + 77 + 20.76 + 20.76 + 19.54)
    assert ds.customers["customer_id"].nunique() == len(set(frame["column_1"]))
    assert run("validate", d).returncode == 0


def _aligned_orders(d: Path) -> None:
    """The tiny orders as an aligned text log without a header, order number first."""
    rows = [("1", "00001", "20250110", "1", "100.50"), ("2", "00001", "20250815", "2", "200.00"),
            ("3", "00002", "20250301", "10", "1000.00"), ("4", "00003", "20250701", "1", "50.00")]  # fmt: skip
    text = "".join(f"{a:>5} {b:>7} {c:>9} {q:>3} {m:>8}\n" for a, b, c, q, m in rows)
    (d / "orders.csv").unlink()
    (d / "orders.txt").write_text(text)


def test_whitespace_aligned_orders_suggestion_is_saved_and_the_data_loads(tmp_path):
    d = write_tiny(tmp_path / "aligned")
    _aligned_orders(d)
    r = run("validate", d)
    assert r.returncode == 2 and "orders.txt" in r.stderr
    toml = save_suggestion(d, r.stdout)
    assert 'delimiter = "whitespace"' in toml and 'order_id = "column_1"' in toml, toml
    r2 = run("validate", d)
    assert r2.returncode == 0, r2.stdout + r2.stderr
    ds = load(d)
    o = ds.orders.sort_values("order_id")
    assert o["amount"].tolist() == [100.5, 200.0, 1000.0, 50.0]
    assert o["quantity"].tolist() == [1, 2, 10, 1]
    assert o["order_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-01-10", "2025-08-15", "2025-03-01", "2025-07-01"]  # fmt: skip
    assert o["customer_id"].tolist() == ["00001", "00001", "00002", "00003"]


def test_fixed_width_orders_with_blank_cells_and_spaces_in_names_load(tmp_path):
    d = write_tiny(tmp_path / "fwf")
    header = f"{'Order No':<9}{'Customer':<10}{'Date':<12}{'Net Amount':>11}  {'Qty':>4}  {'Product':<16}{'Owner':<5}"
    rows = [("O1", "00001", "2025-01-10", "100.50", "1", "Office Supplies", "R1"),
            ("O2", "00001", "2025-08-15", "200.00", "2", "Software", ""),
            ("O3", "00002", "2025-03-01", "1000.00", "10", "Field Services", "R2"),
            ("O4", "00003", "2025-07-01", "50.00", "1", "Hardware", "R1")]  # fmt: skip
    lines = [header] + [f"{a:<9}{b:<10}{c:<12}{m:>11}  {q:>4}  {p:<16}{rep:<5}".rstrip()
                        for a, b, c, m, q, p, rep in rows]  # fmt: skip
    (d / "orders.csv").unlink()
    (d / "orders.txt").write_text("\n".join(lines) + "\n")
    r = run("validate", d)
    assert r.returncode == 2
    toml = save_suggestion(d, r.stdout)
    assert 'delimiter = "fixed-width"' in toml and 'amount = "Net Amount"' in toml, toml
    r2 = run("validate", d)
    assert r2.returncode == 0, r2.stdout + r2.stderr
    o = load(d).orders.sort_values("order_id")
    assert o["product_line"].tolist() == ["Office Supplies", "Software", "Field Services",
                                          "Hardware"]  # fmt: skip
    assert o["rep_id"].isna().tolist() == [False, True, False, False]
    assert o["amount"].tolist() == [100.5, 200.0, 1000.0, 50.0]


def test_csv_title_line_above_the_header_is_suggested_as_skip_rows(tiny):
    (tiny / "orders.csv").write_text("Orders export, all regions\n" + TINY["orders"])
    r = run("validate", tiny)
    assert r.returncode == 2 and "orders.csv" in r.stderr
    toml = save_suggestion(tiny, r.stdout)
    assert "[tables.orders]\nskip_rows = 1" in toml, toml
    assert run("validate", tiny).returncode == 0
    assert sorted(load(tiny).orders["amount"]) == [50.0, 100.5, 200.0, 1000.0]


def test_double_encoded_names_in_a_database_are_warned(tmp_path, tiny):
    import sqlite3

    db = tmp_path / "moji.db"
    with sqlite3.connect(db) as conn:
        for name in TINY:
            df = pd.read_csv(tiny / f"{name}.csv", dtype=str, keep_default_na=False)
            if name == "customers":
                df["name"] = ["MÃ¼ller GmbH", "CafÃ© ZÃ¼rich", "SÃ£o Paulo"]
            df.to_sql(name, conn, index=False)
    r = run("validate", f"sqlite:///{db}")
    assert r.returncode == 0 and "garbled" in r.stdout and "customers.name" in r.stdout


def test_config_accepts_the_layout_words_and_rejects_others(tmp_path):
    from salesmeasure.config import parse
    from salesmeasure.errors import DataError

    cfg = parse({"format": {"delimiter": "whitespace", "header": False, "skip_rows": 2}})
    assert cfg.table("orders").format.delimiter == "whitespace"
    assert cfg.table("orders").format.skip_rows == 2 and not cfg.table("orders").format.header
    with pytest.raises(DataError, match="whitespace"):
        parse({"format": {"delimiter": "spaces"}})
    with pytest.raises(DataError, match="skip_rows"):
        parse({"format": {"skip_rows": -1}})


# ------------------------------------------------------------------ 2. encodings
CHINESE = (
    "customer_id,name,region,segment,channel,signup_date,rep_id\n"
    "00001,张三贸易有限公司,North,SMB,Direct,2025-01-10,R1\n"
    "00002,李四科技,South,Enterprise,Partner,2025-03-01,R2\n"
    "00003,王五商行,North,SMB,Online,2025-07-01,R1\n"
)
NAMES = ["张三贸易有限公司", "李四科技", "王五商行"]


@pytest.mark.parametrize(
    "encoding, expected",
    [
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
    ],  # fmt: skip
)
def test_chinese_customers_in_gbk_or_utf16_get_the_right_encoding_suggested(
    tmp_path, encoding, expected
):
    d = write_tiny(tmp_path / encoding)
    (d / "customers.csv").write_bytes(CHINESE.encode(encoding))
    r = run("validate", d)
    assert r.returncode == 2 and "customers.csv" in r.stderr
    assert f'encoding = "{expected}"' in r.stderr, r.stderr
    toml = save_suggestion(d, r.stdout)
    assert f'encoding = "{expected}"' in toml and "cp1252" not in toml, toml
    assert run("validate", d).returncode == 0
    assert load(d).customers.sort_values("customer_id")["name"].tolist() == NAMES


def test_gbk_read_as_cp1252_is_warned_as_mojibake(tmp_path):
    d = write_tiny(tmp_path / "moji")
    (d / "customers.csv").write_bytes(CHINESE.encode("gbk"))
    (d / "salesmeasure.toml").write_text('[tables.customers]\nencoding = "cp1252"\n')
    r = run("validate", d)
    assert r.returncode == 0
    assert "Warnings" in r.stdout and "GB18030" in r.stdout and "张三贸易有限公司" in r.stdout
    assert 'encoding = "gb18030"' in r.stdout
    assert "OK: every row passed validation, but 1 warning above" in r.stdout


def test_windows_1252_text_is_not_taken_for_chinese():
    from salesmeasure.data.detect import sniff_encoding

    text = "name\nMüller Größe GmbH\nHélène Café\nSão Paulo Ltda\nZürich AG\n"
    assert sniff_encoding(text.encode("cp1252")) == "cp1252"
    assert sniff_encoding(text.encode("utf-8")) == "utf-8-sig"


# ------------------------------------------------------------- 3. dots as thousands
def _dot_thousands(d: Path) -> None:
    o = TINY["orders"].replace(",1000,", ",1.000,").replace(",100.50,", ",2.400,")
    (d / "orders.csv").write_text(o)


def test_dot_thousands_without_a_setting_is_refused_naming_the_row(tiny, tmp_path):
    # 2.400 and 1.000 beside 50 and 200 read two ways: refused, never read as 2.4 (the
    # reading decided for a whole column: tests/test_dot_thousands.py)
    clean = run("validate", tiny)
    assert clean.returncode == 0 and "Warnings" not in clean.stdout
    _dot_thousands(tiny)
    r = run("validate", tiny)
    assert r.returncode == 2
    error = next(ln for ln in r.stderr.splitlines() if ln.startswith("error:"))
    assert "row 1: '2.400'" in error and "orders.amount" in error, r.stderr
    assert 'thousands = "."' in r.stdout and 'decimal = ","' in r.stdout
    (tiny / "salesmeasure.toml").write_text('[tables.orders]\ndecimal = ","\nthousands = "."\n')
    ok = run("validate", tiny)
    assert ok.returncode == 0 and "Warnings" not in ok.stdout, ok.stdout
    assert sorted(load(tiny).orders["amount"]) == [50.0, 200.0, 1000.0, 2400.0]
    # saying the dot is a decimal mark silences the warning too
    (tiny / "salesmeasure.toml").write_text('[tables.orders]\ndecimal = "."\n')
    assert "Warnings" not in run("validate", tiny).stdout
    assert sorted(load(tiny).orders["amount"]) == [1.0, 2.4, 50.0, 200.0]


def test_ambiguity_check_against_hand_made_cases():
    from salesmeasure.data.detect import dot_thousands_ambiguous as amb

    assert amb(pd.Series(["2.400", "950", "1.250.000", "N/A"]))
    assert not amb(pd.Series(["2.40", "950"]))  # two decimals: a decimal mark
    assert not amb(pd.Series(["0.250", "950"]))  # a group never starts with 0
    assert not amb(pd.Series(["950", "12"]))  # no dot at all


# ---------------------------------------------------------------- 4. currency signs
def test_currency_signs_are_removed_recorded_and_a_second_currency_quarantined(tiny, tmp_path):
    o = (TINY["orders"].replace(",100.50,", ',"$1,234.50",').replace(",200,", ",$200,")
         .replace(",1000,", ",USD 1000,").replace(",50,", ",€50,"))  # fmt: skip
    (tiny / "orders.csv").write_text(o)
    (tiny / "salesmeasure.toml").write_text('[tables.orders]\nthousands = ","\n')
    r = run("validate", tiny, "--rejected", tmp_path / "rej.csv")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "currency" in r.stdout and "USD (3)" in r.stdout and "EUR (1)" in r.stdout
    ds = load(tiny)
    assert sorted(ds.orders["amount"]) == [200.0, 1000.0, 1234.5]
    rej = ds.rejected
    assert rej["reason"].tolist() == ["amount in another currency (the column is in USD)"]
    assert rej["value"].tolist() == ["€50"]


@pytest.mark.parametrize(
    "written, fmt, value",
    [
        ("$1,234.50", {"thousands": ","}, 1234.5),
        ("¥1,234", {"thousands": ","}, 1234.0),
        ("1.234,50 €", {"decimal": ",", "thousands": "."}, 1234.5),
        ("EUR 12", {}, 12.0),
        ("12元", {}, 12.0),
        ("-$5.00", {}, -5.0),
        ("US$ 3", {}, 3.0),
        ("CHF 1'250.00", {"thousands": "'"}, 1250.0),
    ],  # fmt: skip
)
def test_strip_currency_reads_each_way_of_writing_an_amount(written, fmt, value):
    from salesmeasure.config import TextFormat
    from salesmeasure.data.coerce import parse_numbers

    assert parse_numbers(pd.Series([written]), TextFormat(**fmt)).iloc[0] == value


# --------------------------------------------- 4. Excel title rows, unsaved formulas
def _workbook(path: Path, title: bool = True, formula: bool = False) -> Path:
    import io

    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, text in TINY.items():
        ws = wb.create_sheet(name)
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        if name == "orders" and title:
            ws.append(["Orders export, 2025 (all regions)"])
            ws.append([])
        ws.append(list(df.columns))
        for i, rec in enumerate(df.itertuples(index=False)):
            row = [float(v) if c in {"amount", "quantity"} else v
                   for c, v in zip(df.columns, rec, strict=True)]  # fmt: skip
            ws.append(row)
            if name == "orders" and formula and i == 1:
                excel_row = ws.max_row
                ws.cell(row=excel_row, column=4, value=f"=E{excel_row}*100")
    wb.save(path)
    return path


def test_excel_title_row_is_suggested_as_skip_rows_and_then_reads(tmp_path):
    book = _workbook(tmp_path / "export.xlsx")
    r = run("validate", book)
    assert r.returncode == 2 and "sheet orders" in r.stderr
    toml = r.stdout
    assert "[tables.orders]\nskip_rows = 2" in toml, toml
    (tmp_path / "salesmeasure.toml").write_text(toml)
    r2 = run("validate", book)
    assert r2.returncode == 0, r2.stdout + r2.stderr
    assert sorted(load(book).orders["amount"]) == [50.0, 100.5, 200.0, 1000.0]


def test_excel_formula_without_saved_value_is_named_with_sheet_and_cell(tmp_path):
    book = _workbook(tmp_path / "formula.xlsx", title=False, formula=True)
    r = run("validate", book, "--rejected", tmp_path / "rej.csv")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "formula without a saved value (open and save the file in Excel)" in r.stdout
    assert "sheet orders, cell D3 =E3*100" in r.stdout
    rej = load(book).rejected
    assert rej["reason"].tolist() == [
        "formula without a saved value (open and save the file in Excel)"
    ]
    assert rej["row"].tolist() == [3] and rej["column"].tolist() == ["amount"]
    assert rej["value"].iloc[0] == "sheet orders, cell D3 =E3*100"


# --------------------------------------------------------------------- 5. time zones
def test_dates_with_time_zones_validate_and_read_as_the_local_date(tiny):
    o = (TINY["orders"].replace("2025-01-10", "2025-01-10T23:30:00-05:00")
         .replace("2025-08-15", "2025-08-15 10:00 UTC").replace("2025-03-01", "2025-03-01T08:00:00+08:00")
         .replace("2025-07-01", "2025-07-01T00:15:00Z"))  # fmt: skip
    (tiny / "orders.csv").write_text(o)
    r = run("validate", tiny)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "time zone" in r.stdout and "2025-01-10" in r.stdout
    o = load(tiny).orders.sort_values("order_id")
    # the calendar date at the stated offset (23:30 at -05:00 is 11 January in UTC)
    assert o["order_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-01-10", "2025-08-15", "2025-03-01", "2025-07-01"]  # fmt: skip


def test_a_zone_name_gives_the_written_date_and_a_bad_time_is_quarantined(tiny, tmp_path):
    o = (TINY["orders"].replace("2025-08-15", "2025-08-15 10:00 CET")
         .replace("2025-07-01", "2025-07-01 25:00+02:00"))  # fmt: skip
    (tiny / "orders.csv").write_text(o)
    r = run("validate", tiny, "--rejected", tmp_path / "r.csv")
    assert r.returncode == 1 and "unparseable date" in r.stdout
    ds = load(tiny)
    assert ds.rejected["value"].tolist() == ["2025-07-01 25:00+02:00"]
    o2 = ds.orders.set_index("order_id")
    assert o2.loc["O2", "order_date"] == pd.Timestamp("2025-08-15")


def test_mixed_offsets_under_a_strptime_format_with_z():
    from salesmeasure.data.coerce import parse_dates

    d = parse_dates(pd.Series(["01/03/2026 10:00 +0800", "01/03/2026 23:00 -0500", "x"]),
                    "%d/%m/%Y %H:%M %z")  # fmt: skip
    assert d.dt.strftime("%Y-%m-%d").tolist()[:2] == ["2026-03-01", "2026-03-01"]
    assert pd.isna(d.iloc[2])


# ------------------------------------------------------------------- 6. database URLs
@pytest.mark.parametrize(
    "url, secret",
    [
        ("postgresql://ann:p@ss/w#rd@127.0.0.1:9/sales", "p@ss/w#rd"),
        ("postgresql://ann:a:b@c@127.0.0.1:9/sales", "a:b@c"),
        ("mysql://ann:s3cr%t#x@127.0.0.1:9/sales", "s3cr%t#x"),
        ("postgresql://ann:topsecret@127.0.0.1:notaport/sales", "topsecret"),
    ],  # fmt: skip
)
def test_unquoted_password_characters_give_a_clear_error_and_never_the_password(url, secret):
    r = run("validate", url)
    assert r.returncode == 2
    out = r.stdout + r.stderr
    assert r.stderr.startswith("error: ") and secret not in out, out
    assert "127.0.0.1" in out


def test_password_with_at_and_slash_is_parsed_to_the_right_host():
    from salesmeasure.sources.sql import _parse, mask, redact

    u = _parse("postgresql://ann:p@ss/w#rd@db.example.com:5433/sales")
    assert (u.username, u.password, u.host, u.port, u.database) == (
        "ann", "p@ss/w#rd", "db.example.com", 5433, "sales")  # fmt: skip
    assert redact("postgresql://ann:p@ss/w#rd@db.example.com:5433/sales") == (
        "postgresql://db.example.com/sales"
    )
    assert mask("postgresql://ann:p@ss/w#rd@db.example.com:5433/sales") == (
        "postgresql://ann:***@db.example.com:5433/sales"
    )


def test_missing_sqlite_file_is_no_such_file_and_is_not_created(tmp_path):
    db = tmp_path / "nothere.db"
    r = run("validate", f"sqlite:///{db}")
    assert r.returncode == 2 and "no such file" in r.stderr and "no such table" not in r.stderr
    assert not db.exists()


def test_sqlite_is_opened_read_only(tmp_path, tiny):
    import sqlite3

    db = tmp_path / "s.db"
    with sqlite3.connect(db) as conn:
        for name in TINY:
            pd.read_csv(tiny / f"{name}.csv", dtype=str, keep_default_na=False).to_sql(
                name, conn, index=False
            )
    from salesmeasure.errors import DataError
    from salesmeasure.sources.sql import SQLSource

    with SQLSource(f"sqlite:///{db}") as src:
        with pytest.raises(DataError, match="readonly|read-only|query_only"):
            src.execute("CREATE TABLE x (a int)")
    assert run("validate", f"sqlite:///{db}").returncode == 0


# -------------------------------------------------------------- 7. N/A survey scores
def test_na_in_one_score_keeps_the_response_and_only_that_score_is_missing(tiny):
    s = (TINY["surveys"].replace("S1,00001,2025-08-20,9,5,6,", "S1,00001,2025-08-20,9,N/A,n/a,")
         .replace("S2,00002,2025-03-10,3,2,,", "S2,00002,2025-03-10,NA,-,,"))  # fmt: skip
    (tiny / "surveys.csv").write_text(s)
    r = run("validate", tiny)
    assert r.returncode == 0, r.stdout + r.stderr
    sv = load(tiny).surveys.set_index("response_id")
    assert sorted(sv.index) == ["S1", "S2"]  # both responses kept
    assert (
        sv.loc["S1", "nps"] == 9 and pd.isna(sv.loc["S1", "csat"]) and pd.isna(sv.loc["S1", "ces"])
    )
    assert pd.isna(sv.loc["S2", "nps"]) and pd.isna(sv.loc["S2", "csat"])
    assert sv.loc["S2", "q_product_quality"] == 2


def test_na_in_a_required_amount_is_a_missing_value(tiny, tmp_path):
    (tiny / "orders.csv").write_text(TINY["orders"].replace(",200,", ",N/A,"))
    r = run("validate", tiny, "--rejected", tmp_path / "r.csv")
    assert r.returncode == 1 and "missing value" in r.stdout


def test_a_batch_password_in_the_environment_does_not_reach_a_file_database(
    tmp_path, tiny, monkeypatch
):
    """A batch over a PostgreSQL URL leaves its password in SALESMEASURE_DB_PASSWORD for its
    kernels; a SQLite file opened later in the same process must not take it (SQLAlchemy
    refuses a sqlite URL with a password: "Invalid SQLite URL")."""
    import sqlite3

    from salesmeasure.sources.sql import PASSWORD_ENV, SQLSource

    db = tmp_path / "s.db"
    with sqlite3.connect(db) as conn:
        pd.read_csv(tiny / "orders.csv", dtype=str, keep_default_na=False).to_sql(
            "orders", conn, index=False
        )
    monkeypatch.setenv(PASSWORD_ENV, "s3cret")
    with SQLSource(f"sqlite:///{db}") as src:
        assert src.u.password is None
        assert len(src.execute("SELECT * FROM orders")) > 0
