"""The data layer: typing, every quarantine reason, clear errors, slices."""

import json
import shutil

import pandas as pd
import pytest

from salesmeasure.data import DataError, fingerprint, load

TABLES = ("customers", "orders", "reps", "targets", "surveys", "complaints")


@pytest.fixture()
def tiny(tmp_path):
    """A hand-built clean data set: 3 customers in 2 regions, 2 reps."""
    d = tmp_path / "tiny"
    d.mkdir()
    files = {
        "reps": "rep_id,name,region,hire_date\nR1,Ann,North,2020-01-01\nR2,Bo,South,2021-05-01\n",
        "customers": (
            "customer_id,name,region,segment,channel,signup_date,rep_id\n"
            "C1,Acme,North,SMB,Direct,2025-01-10,R1\n"
            'C2,"Beta, Inc",South,Enterprise,Partner,2025-03-01,R2\n'
            "C3,<script>alert(1)</script>,North,SMB,Online,2025-07-01,R1\n"
        ),
        "orders": (
            "order_id,customer_id,order_date,amount,quantity,product_line,rep_id\n"
            "O1,C1,2025-01-10,100.50,1,Hardware,R1\n"
            "O2,C1,2025-08-15,200,2,Software,R1\n"
            "O3,C2,2025-03-01,1000,10,Services,R2\n"
            "O4,C3,2025-07-01,50,1,Hardware,R1\n"
        ),
        "targets": (
            "period,region,rep_id,target_amount\n2025Q3,North,,500\n2025Q3,North,R1,500\n"
            "2025Q3,South,,800\n"
        ),
        "surveys": (
            "response_id,customer_id,survey_date,nps,csat,ces,q_product_quality,"
            "q_service_level,q_after_sales,comment\n"
            "S1,C1,2025-08-20,9,5,6,5,4,,great\n"
            "S2,C2,2025-03-10,3,2,,2,1,2,\n"
        ),
        "complaints": (
            "complaint_id,customer_id,opened_date,category,severity,resolved_date\n"
            "K1,C2,2025-04-01,Billing,Low,2025-04-03\nK2,C1,2025-09-01,Delivery,High,\n"
        ),
    }
    for name, text in files.items():
        (d / f"{name}.csv").write_text(text, encoding="utf-8")
    return d


def edit(d, table, old, new):
    p = d / f"{table}.csv"
    text = p.read_text()
    assert old in text, old
    p.write_text(text.replace(old, new, 1))


def append(d, table, line):
    with open(d / f"{table}.csv", "a") as fh:
        fh.write(line + "\n")


# ----------------------------------------------------------------- typing
def test_clean_tiny_data_loads_typed(tiny):
    ds = load(tiny)
    assert ds.is_clean and ds.rejected.empty and ds.quality.empty
    o = ds.orders
    assert str(o["order_date"].dtype) == "datetime64[ns]"
    assert o["amount"].dtype == "float64" and o["quantity"].dtype == "int64"
    # orders come back in date order (O1 Jan, O3 Mar, O4 Jul, O2 Aug), see test below
    assert o["order_id"].tolist() == ["O1", "O3", "O4", "O2"]
    assert o["amount"].tolist() == [100.5, 1000.0, 50.0, 200.0]
    assert o["region"].tolist() == ["North", "South", "North", "North"]
    assert ds.customers.loc[1, "name"] == "Beta, Inc"
    s1 = ds.surveys.set_index("response_id")
    assert pd.isna(s1.loc["S1", "q_after_sales"])  # item non-response stays missing
    assert pd.isna(ds.complaints.loc[1, "resolved_date"])  # open complaint
    assert pd.isna(ds.targets.loc[0, "rep_id"])  # region total
    assert ds.as_of == pd.Timestamp("2025-09-01")
    assert ds.regions == ["North", "South"]
    assert ds.summary()["rows_quarantined"].sum() == 0


def test_ids_stay_strings_with_leading_zeros(tiny):
    edit(tiny, "orders", "O1,C1", "007,C1")
    ds = load(tiny)
    assert "007" in ds.orders["order_id"].tolist()


def test_fingerprint_changes_with_content(tiny):
    a = fingerprint(tiny)
    assert load(tiny).fingerprint == a
    edit(tiny, "orders", "100.50", "100.51")
    assert fingerprint(tiny) != a


def test_parquet_tables_load_like_csv(tiny, tmp_path):
    pq = tmp_path / "pq"
    pq.mkdir()
    for name in TABLES:
        df = pd.read_csv(tiny / f"{name}.csv", dtype=str, keep_default_na=False)
        for col in df.columns:
            if col.endswith("_date"):
                df[col] = pd.to_datetime(df[col].replace("", None))
        df.to_parquet(pq / f"{name}.parquet")
    a, b = load(tiny), load(pq)
    pd.testing.assert_frame_equal(a.orders, b.orders)
    pd.testing.assert_frame_equal(a.complaints, b.complaints)


# -------------------------------------------------- every quarantine reason
REASONS = [
    (
        "orders",
        lambda d: append(d, "orders", "O9,C1,2025-05-01,-5,1,Hardware,R1"),
        "negative amount",
        "amount",
        "-5",
    ),
    (
        "orders",
        lambda d: append(d, "orders", "O9,C1,2025-05-01,5,0,Hardware,R1"),
        "quantity below 1",
        "quantity",
        "0",
    ),
    (
        "orders",
        lambda d: append(d, "orders", "O9,C1,2025-05-01,lots,1,Hardware,R1"),
        "not a number",
        "amount",
        "lots",
    ),
    (
        "orders",
        lambda d: append(d, "orders", "O9,C9,2025-05-01,5,1,Hardware,R1"),
        "unknown customer",
        "customer_id",
        "C9",
    ),
    (
        "orders",
        lambda d: append(d, "orders", "O9,C1,2025-05-01,5,1,Hardware,R7"),
        "unknown rep",
        "rep_id",
        "R7",
    ),
    (
        "orders",
        lambda d: append(d, "orders", "O1,C1,2025-05-01,5,1,Hardware,R1"),
        "duplicate id",
        "order_id",
        "O1",
    ),
    (
        "orders",
        lambda d: append(d, "orders", "O9,C1,2025-02-30,5,1,Hardware,R1"),
        "unparseable date",
        "order_date",
        "2025-02-30",
    ),
    (
        "orders",
        lambda d: append(d, "orders", "O9,C1,,5,1,Hardware,R1"),
        "missing value",
        "order_date",
        "",
    ),
    (
        "orders",
        lambda d: append(d, "orders", "O9,C1,2024-12-01,5,1,Hardware,R1"),
        "order before signup",
        "order_date",
        "2024-12-01",
    ),
    (
        "surveys",
        lambda d: append(d, "surveys", "S9,C1,2025-08-20,11,5,6,5,4,4,"),
        "score out of range",
        "nps",
        "11",
    ),
    (
        "surveys",
        lambda d: append(d, "surveys", "S9,C1,2025-08-20,9,5,6,5,4,0,"),
        "score out of range",
        "q_after_sales",
        "0",
    ),
    (
        "surveys",
        lambda d: append(d, "surveys", "S9,C1,2025-08-20,7.5,5,6,5,4,4,"),
        "score out of range",
        "nps",
        "7.5",
    ),
    (
        "surveys",
        lambda d: append(d, "surveys", "S9,C1,2024-08-20,9,5,6,5,4,4,"),
        "survey before signup",
        "survey_date",
        "2024-08-20",
    ),
    (
        "surveys",
        lambda d: append(d, "surveys", "S9,C7,2025-08-20,9,5,6,5,4,4,"),
        "unknown customer",
        "customer_id",
        "C7",
    ),
    (
        "complaints",
        lambda d: append(d, "complaints", "K9,C1,2025-09-01,Billing,Low,2025-08-01"),
        "resolved before opened",
        "resolved_date",
        "2025-08-01",
    ),
    (
        "customers",
        lambda d: append(d, "customers", "C1,Again,North,SMB,Direct,2025-01-10,R1"),
        "duplicate id",
        "customer_id",
        "C1",
    ),
    (
        "customers",
        lambda d: append(d, "customers", "C8,New,North,SMB,Direct,2025-01-10,R5"),
        "unknown rep",
        "rep_id",
        "R5",
    ),
    (
        "targets",
        lambda d: append(d, "targets", "2025Q3,South,,-10"),
        "negative target",
        "target_amount",
        "-10",
    ),
    (
        "targets",
        lambda d: append(d, "targets", "2025Q7,South,,10"),
        "unreadable period",
        "period",
        "2025Q7",
    ),
]


@pytest.mark.parametrize(
    ("table", "corrupt", "reason", "column", "value"),
    REASONS,
    ids=[f"{r[0]}-{r[2]}-{r[3]}" for r in REASONS],
)
def test_bad_row_is_quarantined_with_file_row_column_value_and_reason(
    tiny, table, corrupt, reason, column, value
):
    clean = load(tiny)
    corrupt(tiny)
    ds = load(tiny)
    assert len(ds.rejected) == 1
    rej = ds.rejected.iloc[0]
    n_before = len(clean.table(table))
    assert rej["table"] == table
    assert rej["file"].endswith(f"{table}.csv")
    assert rej["row"] == n_before + 1  # the appended record
    assert rej["column"] == column
    assert rej["value"] == value
    assert rej["reason"] == reason
    record = json.loads(rej["record"])
    assert record[column] == value  # the whole original row is kept
    assert len(ds.table(table)) == n_before  # kept out of the analysis
    assert ds.quality.set_index(["table", "reason"])["rows"].to_dict() == {(table, reason): 1}


def test_a_row_with_several_problems_is_quarantined_once(tiny):
    append(tiny, "orders", "O9,C9,2025-05-01,-5,0,Hardware,R7")
    ds = load(tiny)
    assert len(ds.rejected) == 1


def test_quarantined_customer_takes_its_orders_along_as_unknown_customer(tiny):
    edit(
        tiny,
        "customers",
        "C3,<script>alert(1)</script>,North,SMB,Online,2025-07-01,R1",
        "C3,X,North,SMB,Online,2025-07-01,R9",
    )
    ds = load(tiny)
    reasons = ds.rejected.set_index("table")["reason"].to_dict()
    assert reasons == {"customers": "unknown rep", "orders": "unknown customer"}


def test_every_reason_is_counted_in_quality_and_written_by_write_rejected(tiny, tmp_path):
    for _, corrupt, *_ in REASONS[:5]:
        corrupt(tiny)
    ds = load(tiny)
    assert ds.quality["rows"].sum() == 5 == len(ds.rejected)
    out = ds.write_rejected(tmp_path / "out" / "rej.csv")
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert back["reason"].tolist() == ds.rejected["reason"].tolist()


# ------------------------------------------------------------ clear errors
def test_missing_orders_names_the_file(tiny):
    (tiny / "orders.csv").unlink()
    with pytest.raises(
        DataError, match=r"table 'orders' is missing: expected orders.csv or orders.parquet"
    ) as e:
        load(tiny)
    assert e.value.file.endswith("orders.csv")


def test_missing_optional_table_is_absent_not_an_error(tiny):
    (tiny / "reps.csv").unlink()
    ds = load(tiny)
    assert ds.absent == {"reps"} and not ds.has("reps") and ds.has("orders")
    assert ds.reps.empty and list(ds.reps.columns) == ["rep_id", "name", "region", "hire_date"]
    assert str(ds.reps["hire_date"].dtype) == "datetime64[ns]"
    # without a reps table a rep id cannot be checked: nothing is quarantined for it
    assert ds.is_clean and ds.orders["rep_id"].notna().all()


def test_misspelt_column_names_file_column_and_suggests_the_typo(tiny):
    edit(tiny, "orders", "amount", "amuont")
    with pytest.raises(
        DataError, match=r"orders.csv: missing column 'amount' \(found 'amuont': a typo\?\)"
    ) as e:
        load(tiny)
    assert e.value.column == "amount"


def test_empty_file_is_a_clear_error(tiny):
    (tiny / "surveys.csv").write_text("")
    with pytest.raises(DataError, match=r"surveys.csv: the file is empty"):
        load(tiny)


def test_binary_garbage_is_a_clear_error(tiny):
    (tiny / "orders.csv").write_bytes(b"\xff\xfe\x00\x01garbage\x00")
    with pytest.raises(DataError, match=r"orders.csv"):
        load(tiny)


def test_corrupt_parquet_is_a_clear_error(tiny):
    (tiny / "orders.csv").unlink()
    (tiny / "orders.parquet").write_bytes(b"PAR1 not really parquet")
    with pytest.raises(DataError, match=r"orders.parquet: cannot read the file"):
        load(tiny)


def test_both_csv_and_parquet_is_ambiguous(tiny):
    shutil.copy(tiny / "reps.csv", tiny / "reps.parquet")
    with pytest.raises(DataError, match="both reps.parquet and reps.csv"):
        load(tiny)


def test_missing_directory(tmp_path):
    with pytest.raises(DataError, match="no such data directory"):
        load(tmp_path / "nope")


def test_header_only_table_is_a_clear_error_unless_allowed(tiny):
    (tiny / "complaints.csv").write_text(
        "complaint_id,customer_id,opened_date,category,severity,resolved_date\n"
    )
    with pytest.raises(
        DataError, match=r"complaints.csv: the complaints table has a header but no rows"
    ):
        load(tiny)
    (tiny / "salesmeasure.toml").write_text("[tables.complaints]\nallow_empty = true\n")
    assert load(tiny).complaints.empty


def test_fiscal_start_month_from_config(tiny):
    (tiny / "salesmeasure.toml").write_text("fiscal_start_month = 4\n")
    ds = load(tiny)
    assert ds.fiscal_start_month == 4
    s = ds.slice("2026Q1", "all")  # fiscal Q1 of FY2026 = Apr-Jun 2025
    assert s.period.start == pd.Timestamp("2025-04-01")
    assert set(s.in_period("complaints")["complaint_id"]) == {"K1"}


# ------------------------------------------------------------------ slices
def test_slice_keeps_history_and_region(tiny):
    ds = load(tiny)
    s = ds.slice(period="2025Q3", region="north")
    assert s.region == "North" and s.period.label == "2025Q3"
    assert set(s.orders["order_id"]) == {"O1", "O2", "O4"}  # history before Q3 kept
    assert set(s.in_period("orders")["order_id"]) == {"O2", "O4"}
    assert set(s.customers["customer_id"]) == {"C1", "C3"}
    assert s.in_period("targets")["target_amount"].tolist() == [500.0, 500.0]
    q1 = ds.slice(period="2025Q1", region="all")
    assert set(q1.orders["order_id"]) == {"O1", "O3"}  # nothing after the period end
    assert set(q1.customers["customer_id"]) == {"C1", "C2"}


def test_slice_unknown_region_lists_the_regions(tiny):
    with pytest.raises(
        ValueError, match=r"unknown region 'Nord'.*North, South.*Did you mean 'North'"
    ):
        load(tiny).slice("2025Q3", "Nord")


def test_sample_slice_period_totals_add_up_over_regions(sample):
    total = sample.slice("2026Q3", "all").in_period("orders")["amount"].sum()
    parts = sum(
        sample.slice("2026Q3", r).in_period("orders")["amount"].sum() for r in sample.regions
    )
    assert total == pytest.approx(parts)
    o = sample.orders
    direct = o.loc[o["order_date"].between("2026-07-01", "2026-09-30"), "amount"].sum()
    assert total == pytest.approx(direct)


# ------------------------------------------- bad data is caught at the door (issue 11)
from typer.testing import CliRunner  # noqa: E402

from salesmeasure.cli import app  # noqa: E402
from salesmeasure.data.quality import amount_bound, robust_as_of  # noqa: E402


@pytest.fixture()
def sample_copy(tmp_path, sample_dir):
    d = tmp_path / "data"
    d.mkdir()
    for name in TABLES:
        shutil.copy(sample_dir / f"{name}.csv", d / f"{name}.csv")
    return d


def rewrite(d, table, fn):
    """Apply ``fn`` to a table read as text and write it back."""
    p = d / f"{table}.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    fn(df).to_csv(p, index=False)


def cli(*args):
    r = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in r.stdout + r.stderr
    return r


def test_an_order_in_2030_is_quarantined_and_latest_stays_on_the_real_data(sample_copy, sample):
    def add(o):
        row = o.iloc[[100]].assign(order_id="FUTURE1", order_date="2030-11-02")
        return pd.concat([o, row], ignore_index=True)

    rewrite(sample_copy, "orders", add)
    ds = load(sample_copy, today="2026-12-02")
    assert ds.as_of == sample.as_of == pd.Timestamp("2026-11-15")
    rej = ds.rejected.set_index("value")
    assert rej.loc["2030-11-02", "reason"] == "date after today"
    assert "FUTURE1" not in set(ds.orders["order_id"])
    # a run in 2031: the row is no longer after today, but far after the data's as-of date
    later = load(sample_copy, today="2031-06-30")
    assert later.as_of == pd.Timestamp("2026-11-15")
    assert later.rejected.set_index("value").loc["2030-11-02", "reason"] == (
        "date after the data's as-of date"
    )
    r = cli("validate", sample_copy, "--rejected", sample_copy / "rej.csv")
    assert r.exit_code == 1 and "date after today" in r.stdout


def test_robust_as_of_against_hand_worked_dates():
    daily = pd.Series(pd.date_range("2026-01-01", "2026-11-15").repeat(5))
    stray = pd.Series(pd.to_datetime(["2030-11-02", "2029-01-01"]))
    assert robust_as_of(pd.concat([daily, stray])) == pd.Timestamp("2026-11-15")
    # the thin last days of real data are kept: 1 row a day after 99% of the rows
    tail = pd.Series(pd.date_range("2026-11-16", "2026-11-20"))
    assert robust_as_of(pd.concat([daily, tail])) == pd.Timestamp("2026-11-20")
    assert robust_as_of(pd.Series([], dtype="datetime64[ns]")) is None


def test_an_order_of_1e12_is_quarantined_with_the_bound(sample_copy, sample):
    def huge(o):
        o.loc[200, "amount"] = "1000000000000"
        return o

    rewrite(sample_copy, "orders", huge)
    ds = load(sample_copy)
    rej = ds.rejected[ds.rejected["column"] == "amount"]
    big = rej[rej["value"] == "1000000000000"]
    assert len(big) == 1 and big["reason"].iloc[0].startswith("amount far above the data's range")
    assert ds.orders["amount"].max() == sample.orders["amount"].max() < 20_000
    # the bound: ten robust (log-MAD) standard deviations, far above every real order
    bound = amount_bound(sample.orders["amount"])
    assert 50 * sample.orders["amount"].max() < bound < 1e7


def test_max_order_amount_in_the_config_replaces_the_automatic_bound(tiny):
    (tiny / "salesmeasure.toml").write_text("max_order_amount = 500\n")
    ds = load(tiny)
    assert ds.rejected["reason"].tolist() == ["amount above max_order_amount (500)"]
    assert ds.rejected["value"].tolist() == ["1000"]


def _thousands(o):
    o["amount"] = [f"{float(v):,.2f}" if v.lstrip("-").replace(".", "", 1).isdigit() else v
                   for v in o["amount"]]  # fmt: skip
    return o


def test_thousands_separators_stop_with_exit_2_naming_file_column_values_and_setting(
    sample_copy, sample
):
    rewrite(sample_copy, "orders", _thousands)
    r = cli("validate", sample_copy)
    assert r.exit_code == 2
    err = r.stderr.strip()
    assert err.startswith("error: ") and "orders.csv: column 'amount'" in err
    assert "'1,710.00'" in err and 'thousands = ","' in err
    assert 'thousands = ","' in r.stdout  # the suggested salesmeasure.toml
    (sample_copy / "salesmeasure.toml").write_text(r.stdout)  # saving it reads the data
    ds = load(sample_copy)
    assert ds.orders["amount"].sum() == pytest.approx(sample.orders["amount"].sum())
    assert len(ds.orders) == len(sample.orders)


def test_render_stops_with_exit_2_on_a_format_problem(sample_copy, tmp_path):
    rewrite(sample_copy, "orders", _thousands)
    r = cli("render", "--data", sample_copy, "--out", tmp_path / "out", "--formats", "html",
            "--period", "2026Q3", "--no-progress")  # fmt: skip
    assert r.exit_code == 2 and "column 'amount'" in r.stderr and 'thousands = ","' in r.stderr


def test_day_first_dates_stop_with_exit_2_and_name_the_date_format(sample_copy, sample):
    def dmy(df):
        df["survey_date"] = pd.to_datetime(df["survey_date"]).dt.strftime("%d/%m/%Y")
        return df

    rewrite(sample_copy, "surveys", dmy)
    r = cli("validate", sample_copy)
    assert r.exit_code == 2
    assert "surveys.csv: column 'survey_date'" in r.stderr
    assert "9,345 of 9,345 values" in r.stderr and 'date_format = "%d/%m/%Y"' in r.stderr
    (sample_copy / "salesmeasure.toml").write_text(r.stdout)
    assert len(load(sample_copy).surveys) == len(sample.surveys)


def test_a_few_bad_values_stay_bad_rows_not_a_format_problem(sample_copy):
    def two(o):
        o.loc[[3, 4], "amount"] = ["1,234.00", "twelve"]
        return o

    rewrite(sample_copy, "orders", two)
    ds = load(sample_copy)  # 1 value in thousands format is a typo, not the export's format
    assert {"1,234.00", "twelve"} <= set(ds.rejected["value"])


def test_header_only_orders_table_is_exit_2(sample_copy):
    (sample_copy / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount,quantity,product_line,rep_id\n"
    )
    r = cli("validate", sample_copy)
    assert r.exit_code == 2
    assert "orders.csv: the orders table has a header but no rows" in r.stderr


def test_a_table_whose_rows_are_all_rejected_is_exit_2(sample_copy):
    def unknown(c):
        c["rep_id"] = "R99"  # no such rep: every customer is rejected
        return c

    rewrite(sample_copy, "customers", unknown)
    r = cli("validate", sample_copy)
    assert r.exit_code == 2
    assert "customers.csv: all 4,000 rows of customers were rejected (4,000 unknown rep)" in (
        r.stderr
    )


# ----------------------------------------------------------- date order and slices
def test_activity_tables_in_date_order_ties_kept_in_file_order(tiny):
    append(tiny, "orders", "O5,C2,2025-03-01,7,1,Hardware,R2")  # same day as O3, later in file
    append(tiny, "orders", "O0,C1,2025-01-12,9,1,Hardware,R1")
    ds = load(tiny)
    assert ds.orders["order_id"].tolist() == ["O1", "O0", "O3", "O5", "O4", "O2"]
    for name, col in (("orders", "order_date"), ("surveys", "survey_date")):
        assert ds.table(name)[col].is_monotonic_increasing
    assert ds.orders.index.tolist() == list(range(6))


def test_slice_of_a_date_ordered_table_is_a_view_with_the_filtered_rows(sample):
    import numpy as np

    from salesmeasure.data.dataset import rows_between, rows_until

    o = sample.orders
    for end in ("2024-12-31", "2026-03-31", "2030-01-01", "2000-01-01"):
        got = rows_until(o, "order_date", pd.Timestamp(end))
        want = o[o["order_date"] <= pd.Timestamp(end)]
        pd.testing.assert_frame_equal(got, want)
        if len(got):  # no copy: the amounts are the table's own memory
            assert np.shares_memory(got["amount"].to_numpy(), o["amount"].to_numpy())
    got = rows_between(o, "order_date", pd.Timestamp("2025-04-01"), pd.Timestamp("2025-06-30"))
    d = o["order_date"]
    want = o[(d >= "2025-04-01") & (d <= "2025-06-30")]
    pd.testing.assert_frame_equal(got, want)
    # a table out of date order is filtered the same way (a copy)
    shuffled = o.sample(frac=1, random_state=1)
    got = rows_until(shuffled, "order_date", pd.Timestamp("2025-06-30"))
    pd.testing.assert_frame_equal(got, shuffled[shuffled["order_date"] <= "2025-06-30"])
    # a new frame: a column added to the slice is not added to the table
    got["x"] = 1
    assert "x" not in o.columns


def test_slice_and_until_equal_the_row_filters(sample):
    v = sample.slice("2025Q2", "North")
    end = pd.Timestamp("2025-06-30")
    want = sample.orders[
        (sample.orders["region"] == "North") & (sample.orders["order_date"] <= end)
    ]
    pd.testing.assert_frame_equal(v.orders, want)
    cut = sample.slice("2025Q2").until("2025-05-15")
    s = sample.surveys
    pd.testing.assert_frame_equal(cut.surveys, s[s["survey_date"] <= "2025-05-15"])
    c = sample.customers
    pd.testing.assert_frame_equal(cut.customers, c[c["signup_date"] <= "2025-05-15"])
