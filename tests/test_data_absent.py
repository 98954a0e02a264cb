"""Issue 23, "orders alone are enough": absent tables, derived customers and order ids,
every missing table and column in one error, targets checked, region spellings unified.

Each expectation is hand-computed from the few rows written here."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from typer.testing import CliRunner

from salesmeasure.cli import app
from salesmeasure.data import DataError, fingerprint, load, snapshot

OPTIONAL = ("customers", "reps", "targets", "surveys", "complaints")

ORDERS = (
    "customer_id,order_date,amount,quantity,product_line,rep_id\n"
    "C1,2025-03-05,100,1,Hardware,R1\n"
    "C1,2025-01-10,50,1,Hardware,R2\n"  # C1's first order (not the first line)
    "C2,2025-02-01,80,2,Software,\n"
    "C1,2025-04-01,20,1,Software,R1\n"  # R1 on 2 of C1's orders, R2 on 1: C1's rep is R1
    "C3,2025-05-01,10,1,Services,\n"  # no rep on any order of C3
)


def write(d, files: dict[str, str]):
    d.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


def validate(*args):
    return CliRunner().invoke(app, ["validate", *map(str, args)])


@pytest.fixture()
def orders_only(tmp_path):
    return write(tmp_path / "log", {"orders.csv": ORDERS})


@pytest.fixture()
def full(tmp_path):
    """Every table, two regions (for targets and region spellings)."""
    return write(
        tmp_path / "full",
        {
            "reps.csv": "rep_id,name,region,hire_date\nR1,Ann,North,2020-01-01\n"
            "R2,Bo,South,2021-01-01\n",
            "customers.csv": "customer_id,name,region,segment,channel,signup_date,rep_id\n"
            "C1,Acme,North,SMB,Direct,2025-01-01,R1\nC2,Beta,South,SMB,Direct,2025-01-01,R2\n"
            "C3,Gamma,North,SMB,Direct,2025-01-01,R1\n",
            "orders.csv": "order_id,customer_id,order_date,amount,quantity,product_line,rep_id\n"
            "O1,C1,2025-07-10,100,1,Hardware,R1\nO2,C2,2025-08-01,200,1,Hardware,R2\n"
            "O3,C3,2025-09-01,50,1,Hardware,R1\n",
            "targets.csv": "period,region,rep_id,target_amount\n2025Q3,North,,100\n"
            "2025Q3,South,,300\n",
            "surveys.csv": "response_id,customer_id,survey_date,nps,csat,ces,q_product_quality,"
            "q_service_level,q_after_sales,comment\nS1,C1,2025-08-20,9,5,6,5,4,,great\n",
            "complaints.csv": "complaint_id,customer_id,opened_date,category,severity,"
            "resolved_date\nK1,C2,2025-08-01,Billing,Low,2025-08-03\n",
        },
    )


# ------------------------------------------------------------------ orders alone
def test_orders_alone_load_with_every_other_table_absent(orders_only):
    ds = load(orders_only)
    assert ds.absent == set(OPTIONAL)
    assert all(not ds.has(n) for n in OPTIONAL) and ds.has("orders")
    assert ds.derived == {"order_id": "from row", "customers": "from orders"}
    assert ds.is_clean and len(ds.orders) == 5
    # order ids are the record numbers, in the file's order (the orders come back by date)
    by_id = ds.orders.set_index("order_id")
    assert by_id.loc["row 2", "amount"] == 50 and by_id.loc["row 5", "customer_id"] == "C3"
    with pytest.raises(KeyError):
        ds.has("order")


def test_derived_customers_first_order_most_frequent_rep_one_region(orders_only):
    c = load(orders_only).customers.set_index("customer_id")
    assert list(c.index) == ["C1", "C2", "C3"]  # in order of their first line
    assert c["signup_date"].tolist() == [
        pd.Timestamp("2025-01-10"),
        pd.Timestamp("2025-02-01"),
        pd.Timestamp("2025-05-01"),
    ]
    assert c.loc["C1", "rep_id"] == "R1" and c[["rep_id"]].iloc[1:].isna().all().all()
    assert set(c["region"]) == {"Main"}
    assert c[["name", "segment", "channel"]].isna().all().all()


def test_absent_tables_have_the_columns_and_dtypes_of_loaded_ones(orders_only, full):
    a, b = load(orders_only), load(full)
    for name in (*OPTIONAL, "orders"):
        ta, tb = a.table(name), b.table(name)
        assert list(ta.columns) == list(tb.columns), name
        assert [str(t) for t in ta.dtypes] == [str(t) for t in tb.dtypes], name
    assert all(a.table(n).empty for n in OPTIONAL if n != "customers")


def test_region_from_an_orders_column_mapped_as_region(tmp_path):
    d = write(
        tmp_path / "log",
        {
            "orders.csv": "customer_id,order_date,amount,quantity,product_line,Territory\n"
            "C1,2025-01-01,10,1,A,North\nC1,2025-02-01,10,1,A,South\nC1,2025-03-01,10,1,A,North\n"
            "C2,2025-01-05,10,1,A,South\nC3,2025-01-06,10,1,A,\n",
            "salesmeasure.toml": '[tables.orders.columns]\nregion = "Territory"\n',
        },
    )
    ds = load(d)
    c = ds.customers.set_index("customer_id")["region"]
    # C1: North on 2 orders of 3; C3 names none: the one region left, "Main"
    assert c.to_dict() == {"C1": "North", "C2": "South", "C3": "Main"}
    # an order's region is its customer's (C1's South order counts to North)
    assert ds.orders.groupby("region")["amount"].sum().to_dict() == {
        "Main": 10,
        "North": 30,
        "South": 10,
    }


def test_region_constant_is_honoured_without_a_customers_file(orders_only):
    (orders_only / "salesmeasure.toml").write_text(
        '[tables.customers.constants]\nregion = "Benelux"\nsegment = "Retail"\n'
    )
    ds = load(orders_only)
    assert ds.regions == ["Benelux"] and set(ds.customers["segment"]) == {"Retail"}


def test_orders_without_a_rep_column_credit_the_customers_rep(full):
    o = pd.read_csv(full / "orders.csv", dtype=str)
    o.drop(columns=["rep_id"]).to_csv(full / "orders.csv", index=False)
    ds = load(full)
    assert ds.derived == {"rep_id": "from customers"}
    assert ds.orders.set_index("order_id")["rep_id"].to_dict() == {
        "O1": "R1",
        "O2": "R2",
        "O3": "R1",
    }


def test_orders_only_fingerprint_is_stable_and_equals_fingerprint(orders_only):
    a, b = load(orders_only), load(orders_only)
    assert a.fingerprint == b.fingerprint == fingerprint(orders_only)
    assert a.orders["order_id"].tolist() == b.orders["order_id"].tolist()


def test_snapshot_and_slice_keep_absent_and_derived(orders_only, tmp_path):
    ds = load(orders_only)
    back = snapshot.read(snapshot.write(ds, tmp_path / "snap", spec=orders_only))
    assert back.absent == ds.absent and back.derived == ds.derived
    assert back.warnings == ds.warnings and back.fingerprint == ds.fingerprint
    pd.testing.assert_frame_equal(back.customers, ds.customers)
    pd.testing.assert_frame_equal(back.reps, ds.reps)
    s = back.slice("2025Q1", "Main")
    assert s.absent == ds.absent and s.derived == ds.derived and not s.has("surveys")


# ------------------------------------------------------------ absent, not an error
@pytest.mark.parametrize("name", OPTIONAL)
def test_a_missing_optional_file_is_absent(full, name):
    (full / f"{name}.csv").unlink()
    ds = load(full)
    assert ds.absent == {name} and ds.table(name).empty != (name == "customers")


def test_absent_true_is_not_read_even_when_the_file_is_there(full):
    (full / "complaints.csv").write_text("garbage\x00")  # would not read
    (full / "salesmeasure.toml").write_text("[tables.complaints]\nabsent = true\n")
    ds = load(full)
    assert ds.absent == {"complaints"} and ds.complaints.empty


def test_allow_empty_is_present_with_no_rows_unlike_absent(full):
    (full / "complaints.csv").write_text(
        "complaint_id,customer_id,opened_date,category,severity,resolved_date\n"
    )
    (full / "salesmeasure.toml").write_text("[tables.complaints]\nallow_empty = true\n")
    ds = load(full)
    assert ds.has("complaints") and ds.complaints.empty and not ds.absent


@pytest.mark.parametrize(
    "toml, message",
    [
        ("[tables.orders]\nabsent = true\n", "orders cannot be absent"),
        ('[tables.reps]\nabsent = true\nfile = "r.csv"\n', "file is set too"),
        ("[tables.reps]\nabsent = 1\n", "absent must be true or false"),
    ],
)
def test_absent_key_errors(full, toml, message):
    (full / "salesmeasure.toml").write_text(toml)
    with pytest.raises(DataError, match=message):
        load(full)


def test_a_file_the_config_names_must_exist_even_for_an_optional_table(full):
    (full / "salesmeasure.toml").write_text('[tables.reps]\nfile = "staff.csv"\n')
    with pytest.raises(DataError, match=r"staff.csv: no such file"):
        load(full)


def test_workbook_without_optional_sheets_is_absent(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "orders"
    for line in ORDERS.splitlines():
        ws.append([float(v) if v.isdigit() else v for v in line.split(",")])
    wb.save(tmp_path / "log.xlsx")
    ds = load(tmp_path / "log.xlsx")
    assert ds.absent == set(OPTIONAL) and len(ds.orders) == 5 and len(ds.customers) == 3
    assert fingerprint(tmp_path / "log.xlsx") == ds.fingerprint
    (tmp_path / "salesmeasure.toml").write_text('[tables.reps]\nsheet = "Staff"\n')
    with pytest.raises(DataError, match=r"table 'reps' is missing"):
        load(tmp_path / "log.xlsx")


def test_database_without_optional_tables_is_absent(tmp_path):
    db = tmp_path / "log.db"
    con = sqlite3.connect(db)
    rows = [line.split(",") for line in ORDERS.splitlines()]
    pd.DataFrame(rows[1:], columns=rows[0]).to_sql("orders", con, index=False)
    con.close()
    ds = load(f"sqlite:///{db}")
    assert ds.absent == set(OPTIONAL) and len(ds.orders) == 5
    assert ds.derived == {"order_id": "from row", "customers": "from orders"}
    assert fingerprint(f"sqlite:///{db}") == ds.fingerprint


# ------------------------------------------------------ every problem in one run
def test_validate_names_every_missing_table_and_column_at_once(full):
    (full / "orders.csv").unlink()
    c = pd.read_csv(full / "customers.csv", dtype=str)
    c.drop(columns=["region", "segment"]).to_csv(full / "customers.csv", index=False)
    s = pd.read_csv(full / "surveys.csv", dtype=str)
    s.drop(columns=["nps"]).to_csv(full / "surveys.csv", index=False)
    (full / "salesmeasure.toml").write_text('[tables.targets]\nfile = "quota.csv"\n')
    r = validate(full)
    assert r.exit_code == 2
    err = r.stderr
    assert "4 problems with the data" in err
    assert "table 'orders' is missing" in err and "quota.csv: no such file" in err
    assert "customers.csv: missing columns 'region', 'segment'" in err
    assert "surveys.csv: missing column 'nps'" in err
    assert "Traceback" not in err


def test_validate_on_orders_alone_says_what_each_absent_table_would_add(orders_only):
    r = validate(orders_only)
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert "reps: absent — reps' names and targets per rep would appear" in out
    for name in OPTIONAL:
        assert sum(line.startswith(f"{name}: absent — ") for line in out.splitlines()) == 1
    assert "customers: derived from the orders" in out and "regions: Main" in out
    assert "order_id: derived from each order's row number" in out


# ------------------------------------------------------------------ targets
def test_duplicate_region_target_is_quarantined_and_the_first_kept(full):
    with open(full / "targets.csv", "a") as fh:
        fh.write("2025Q3,North,,250\n")  # a second North total for the same quarter
    ds = load(full)
    north = ds.targets[ds.targets["region"] == "North"]
    assert north["target_amount"].tolist() == [100.0]  # summed it would be 350
    # North's revenue 150 against 100 = 150% (against 350: 42.9%)
    revenue = ds.orders.loc[ds.orders["region"] == "North", "amount"].sum()
    assert revenue / north["target_amount"].sum() == pytest.approx(1.5)
    rej = ds.rejected.set_index("reason")
    assert rej.loc["duplicate target", "row"] == 3 and rej.loc["duplicate target", "value"] == "250"


def test_target_for_a_region_with_no_customers_is_quarantined(full):
    with open(full / "targets.csv", "a") as fh:
        fh.write("2025Q3,West,,500\n")
    ds = load(full)
    assert ds.targets["target_amount"].sum() == 400  # 100 + 300, without West's 500
    assert ds.rejected.set_index("reason").loc["region with no customers", "value"] == "West"
    with open(full / "targets.csv", "a") as fh:
        fh.write("2025Q3,South,,300\n")
    r = validate(full, "--rejected", full / "rej.csv")
    assert r.exit_code == 1
    assert "duplicate target" in r.stdout and "region with no customers" in r.stdout


# ------------------------------------------------------------------ regions
def test_region_spellings_that_differ_in_case_or_spaces_are_one_region(full):
    c = (full / "customers.csv").read_text()
    c = c.replace("C3,Gamma,North,", "C3,Gamma,north ,")
    (full / "customers.csv").write_text(c)
    t = (full / "targets.csv").read_text().replace("2025Q3,North,,100", "2025Q3,NORTH,,100")
    (full / "targets.csv").write_text(t)
    ds = load(full)
    assert ds.regions == ["North", "South"] and set(ds.targets["region"]) == {"North", "South"}
    # North: customer C1 and rep R1 (2 rows) against 'north' (C3) and 'NORTH' (a target)
    assert ds.warnings == (
        "region 'North' (2 rows) is also written 'north' (1 rows), 'NORTH' (1 rows): "
        "all read as 'North'",
    )
    assert ds.orders.groupby("region")["amount"].sum().to_dict() == {"North": 150, "South": 200}
    r = validate(full)
    assert r.exit_code == 0, r.stderr
    assert "warning: region 'North' (2 rows) is also written" in r.stdout


def test_targets_for_regions_the_derived_customers_lack_are_said_not_fatal(full):
    (full / "customers.csv").unlink()  # every customer in "Main"; targets for North, South
    ds = load(full)
    assert ds.targets.empty and ds.has("targets")
    assert set(ds.rejected["reason"]) == {"region with no customers"}
    assert ds.warnings == (
        "no target is for a region the customers are in (Main); map the orders' region "
        'column: [tables.orders.columns] region = "..."',
    )


def test_a_log_of_customer_date_and_amount_alone_is_enough(tmp_path):
    d = write(
        tmp_path / "cdnow",
        {
            "orders.csv": "customer_id,order_date,amount\nA,2025-01-01,10.50\nA,2025-02-01,0\n"
            "B,2025-01-15,7\n"
        },
    )
    ds = load(d)
    assert ds.derived == {
        "order_id": "from row",
        "quantity": "one a line",
        "product_line": "one product line",
        "customers": "from orders",
    }
    o = ds.orders
    assert o["quantity"].tolist() == [1, 1, 1] and str(o["quantity"].dtype) == "int64"
    assert set(o["product_line"]) == {"All products"} and o["rep_id"].isna().all()
    assert o["amount"].sum() == pytest.approx(17.5) and ds.is_clean  # a $0 line is valid
    r = validate(d)
    assert r.exit_code == 0, r.stderr
    assert "quantity: one unit an order line (the orders have no quantity)" in r.stdout
    assert "product_line: one product line for every order" in r.stdout


def test_reps_with_no_order_credited_to_any_rep_is_a_warning(orders_only):
    o = pd.read_csv(orders_only / "orders.csv", dtype=str)
    o.drop(columns=["rep_id"]).to_csv(orders_only / "orders.csv", index=False)
    (orders_only / "reps.csv").write_text("rep_id,name,region,hire_date\nR0,Nobody,Main,\n")
    ds = load(orders_only)
    assert ds.orders["rep_id"].isna().all()
    assert ds.warnings == (
        "the reps table has 1 rep, but no order is credited to a rep (every order's rep_id "
        "is empty), so targets per rep cannot be set from their revenue; if there are no reps, leave "
        "the reps table out",
    )
