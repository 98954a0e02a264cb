"""salesmeasure.toml: parsing with named errors, and a CRM-style export read through it
giving the same headline numbers as the sample CSV it was made from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from salesmeasure import config as sm_config
from salesmeasure.cli import app
from salesmeasure.config import TABLE_COLUMNS, Config, TextFormat
from salesmeasure.data import COLUMNS, DataError, fingerprint, load
from salesmeasure.data.suggest import match_columns, suggest

TABLES = ("customers", "orders", "reps", "targets", "surveys", "complaints")

#: The README's worked example: a CRM export with its own names and European formats.
CRM_TOML = """\
[format]
delimiter = ";"
decimal = ","
thousands = "."
date_format = "%d/%m/%Y"

[tables.orders]
file = "Orders export.csv"

[tables.orders.columns]
order_id = "Order No"
customer_id = "Account"
order_date = "Date"
amount = "Net Amount"
quantity = "Qty"
product_line = "Product"
rep_id = "Owner"

[tables.customers.columns]
customer_id = "Account"
name = "Account Name"
region = "Territory"
signup_date = "Customer Since"
rep_id = "Owner"
"""
CRM_NAMES = {
    "orders": {"order_id": "Order No", "customer_id": "Account", "order_date": "Date",
               "amount": "Net Amount", "quantity": "Qty", "product_line": "Product",
               "rep_id": "Owner"},
    "customers": {"customer_id": "Account", "name": "Account Name", "region": "Territory",
                  "signup_date": "Customer Since", "rep_id": "Owner"},
}  # fmt: skip


def _euro(v: str) -> str:
    try:
        x = float(v)
    except ValueError:
        return v
    return f"{x:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def crm_export(sample_dir: Path, out: Path) -> Path:
    """The sample data as a CRM exports it: other column names, ``;``, decimal commas
    with ``.`` thousands, DD/MM/YYYY dates, the orders file named ``Orders export.csv``."""
    out.mkdir(parents=True)
    for name in TABLES:
        df = pd.read_csv(sample_dir / f"{name}.csv", dtype=str, keep_default_na=False)
        for col in df.columns:
            if col.endswith("_date"):
                d = pd.to_datetime(df[col], format="%Y-%m-%d", errors="coerce")
                df[col] = d.dt.strftime("%d/%m/%Y").where(d.notna(), df[col])
            if col in ("amount", "target_amount"):
                df[col] = df[col].map(_euro)
        df = df.rename(columns=CRM_NAMES.get(name, {}))
        fname = "Orders export.csv" if name == "orders" else f"{name}.csv"
        df.to_csv(out / fname, sep=";", index=False)
    return out


def headline(ds):
    q3 = ds.slice("2026Q3", "all")
    return {
        "revenue": round(ds.orders["amount"].sum(), 2),
        "orders": len(ds.orders),
        "revenue_2026Q3": round(q3.in_period("orders")["amount"].sum(), 2),
        "orders_2026Q3": len(q3.in_period("orders")),
        "customers": len(ds.customers),
        "responses": len(ds.surveys),
        "targets": round(ds.targets["target_amount"].sum(), 2),
        "as_of": ds.as_of,
        "quarantined": ds.quality.set_index(["table", "reason"])["rows"].to_dict(),
    }


@pytest.fixture()
def crm(tmp_path, sample_dir):
    return crm_export(sample_dir, tmp_path / "crm")


# ------------------------------------------------------------- the worked example
def test_crm_export_through_salesmeasure_toml_gives_the_sample_headline_numbers(crm, sample):
    (crm / "salesmeasure.toml").write_text(CRM_TOML)
    ds = load(crm)
    assert headline(ds) == headline(sample)
    assert "Orders export.csv" in ds.rejected.loc[ds.rejected["table"] == "orders", "file"].iloc[0]


def test_crm_export_without_the_toml_is_exit_2_and_validate_prints_a_toml_that_reads_it(
    crm, sample
):
    r = CliRunner().invoke(app, ["validate", str(crm)])
    assert r.exit_code == 2
    assert "table 'orders' is missing" in r.stderr and "Orders export.csv" in r.stderr
    toml = r.stdout
    for line in ('delimiter = ";"', 'date_format = "%d/%m/%Y"', 'decimal = ","',
                 'thousands = "."', 'file = "Orders export.csv"', 'amount = "Net Amount"',
                 'region = "Territory"'):  # fmt: skip
        assert line in toml
    (crm / "salesmeasure.toml").write_text(toml)
    assert headline(load(crm)) == headline(sample)
    r = CliRunner().invoke(app, ["validate", str(crm), "--rejected", str(crm / "r.csv")])
    assert r.exit_code == 1  # the sample's planted bad rows, nothing more


def test_validate_takes_config_from_elsewhere(crm, sample, tmp_path):
    cfg = tmp_path / "elsewhere.toml"
    cfg.write_text(CRM_TOML.replace('"Orders export.csv"', f'"{crm / "Orders export.csv"}"'))
    assert headline(load(crm, config=cfg)) == headline(sample)
    r = CliRunner().invoke(
        app, ["validate", str(crm), "--config", str(cfg), "--rejected", str(tmp_path / "r.csv")]
    )
    assert r.exit_code == 1, r.stderr


def test_suggest_is_none_when_the_data_already_reads(sample_dir):
    assert suggest(sample_dir) is None


def test_column_matching_finds_crm_names_and_close_spellings():
    have = ["Order No", "Account", "Date", "Net Amount", "Qty", "Product", "Owner"]
    assert match_columns("orders", have) == CRM_NAMES["orders"]
    assert match_columns("reps", ["rep_id", "Name", "Region", "hiredate"]) == {
        "name": "Name", "region": "Region", "hire_date": "hiredate"
    }  # fmt: skip


# -------------------------------------------------- mapping, constants, fingerprint
def test_constants_fill_a_column_the_source_lacks(sample_copy_factory):
    d = sample_copy_factory()
    o = pd.read_csv(d / "orders.csv", dtype=str, keep_default_na=False)
    o.drop(columns=["product_line"]).to_csv(d / "orders.csv", index=False)
    bare = load(d)  # issue 23: orders without a product column are one product line
    assert set(bare.orders["product_line"]) == {"All products"}
    assert bare.derived["product_line"] == "one product line"
    (d / "salesmeasure.toml").write_text('[tables.orders.constants]\nproduct_line = "All"\n')
    ds = load(d)
    assert set(ds.orders["product_line"]) == {"All"} and "product_line" not in ds.derived
    c = pd.read_csv(d / "customers.csv", dtype=str, keep_default_na=False)
    c.drop(columns=["segment"]).to_csv(d / "customers.csv", index=False)
    with pytest.raises(DataError, match=r"customers.csv: missing column 'segment'"):
        load(d)


def test_fingerprint_changes_with_the_data_and_the_mapping(crm):
    (crm / "salesmeasure.toml").write_text(CRM_TOML)
    a = fingerprint(crm)
    assert a == load(crm).fingerprint
    (crm / "salesmeasure.toml").write_text(CRM_TOML + "\n[tables.orders.constants]\n")
    assert fingerprint(crm) == a  # same settings, same data
    (crm / "salesmeasure.toml").write_text("fiscal_start_month = 4\n" + CRM_TOML)
    b = fingerprint(crm)
    assert b != a
    p = crm / "reps.csv"
    p.write_text(p.read_text().replace("Anna Adler", "Anna Adler-Berg"))
    assert fingerprint(crm) != b


@pytest.fixture()
def sample_copy_factory(tmp_path, sample_dir):
    def make():
        d = tmp_path / "copy"
        shutil.copytree(sample_dir, d, ignore=shutil.ignore_patterns("*.json"))
        return d

    return make


# ----------------------------------------------------------------- parsing
def test_defaults_without_a_file(tmp_path):
    cfg = sm_config.find(tmp_path)
    assert cfg == Config() and cfg.table("orders").format == TextFormat()
    assert cfg.table("orders").source_name("amount") == "amount"


def test_the_config_knows_every_column_of_the_data_model():
    assert {t: tuple(c) for t, c in COLUMNS.items()} == TABLE_COLUMNS


def test_a_full_file_parses(tmp_path):
    p = tmp_path / "salesmeasure.toml"
    p.write_text("fiscal_start_month = 4\nmax_order_amount = 1e6\n" + CRM_TOML
                 + '\n[tables.reps]\nsheet = "Reps"\nencoding = "cp1252"\nallow_empty = true\n')  # fmt: skip
    cfg = sm_config.read(p)
    o = cfg.table("orders")
    assert cfg.fiscal_start_month == 4 and cfg.max_order_amount == 1e6
    assert o.file == "Orders export.csv" and o.source_name("amount") == "Net Amount"
    assert o.format == TextFormat(";", ",", ".", "%d/%m/%Y", "utf-8-sig")
    r = cfg.table("reps")
    assert r.sheet == "Reps" and r.format.encoding == "cp1252" and r.allow_empty
    assert r.format.delimiter == ";"  # [format] is the default of every table
    assert cfg.resolve("x.csv") == tmp_path / "x.csv"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fiscal_start = 4\n", r"unknown key 'fiscal_start' in the top level \(did you mean "
                               r"'fiscal_start_month'\?\)"),
        ("fiscal_start_month = 13\n", r"fiscal_start_month must be a month number 1-12"),
        ("[format]\ndecimals = ','\n", r"unknown key 'decimals' in \[format\] \(did you mean "
                                       r"'decimal'\?\)"),
        ("[format]\ndecimal = ';'\n", r"decimal must be"),
        ("[format]\ndecimal = ','\nthousands = ','\n", r"thousands and decimal are both"),
        ("[tables.order]\nfile = 'x.csv'\n", r"unknown table \[tables.order\] \(did you mean "
                                             r"'orders'\?\)"),
        ("[tables.orders]\nfiel = 'x.csv'\n", r"unknown key 'fiel' in \[tables.orders\] "
                                              r"\(did you mean 'file'\?\)"),
        ("[tables.orders]\nfile = 'x.csv'\nsheet = 'Orders'\n", r"give one of file, sheet"),
        ("[tables.orders.columns]\namounts = 'Net'\n", r"\[tables.orders.columns\] 'amounts' "
                                                       r"is not a column of orders \(did you "
                                                       r"mean 'amount'\?\)"),
        ("[tables.orders.columns]\namount = 5\n", r"must be text in quotes"),
        ("fiscal_start_month = \n", r"not valid TOML"),
    ],
)  # fmt: skip
def test_mistakes_in_the_file_are_named(tmp_path, text, message):
    p = tmp_path / "salesmeasure.toml"
    p.write_text(text)
    with pytest.raises(DataError, match=message):
        sm_config.read(p)


def test_env_variable_names_the_config(tmp_path, monkeypatch):
    p = tmp_path / "other.toml"
    p.write_text("fiscal_start_month = 7\n")
    monkeypatch.setenv("SALESMEASURE_CONFIG", str(p))
    assert sm_config.find(tmp_path / "anywhere").fiscal_start_month == 7
