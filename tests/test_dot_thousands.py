"""Amounts written ``2.400`` (a dot grouping thousands, no decimals, as a European export
writes them) are read as 2,400, never silently as 2.4 (issue 23).

The decision is taken for the whole column: a value with two or more dot groups
(``1.250.000``) can only be a grouped whole number, so the column is read with the dot as
the thousands separator; a column where every dotted value has a single group (``2.400``
beside ``950``) reads two ways and the loader refuses it, naming the file, the column, the
row and the value, until ``salesmeasure.toml`` says how to read the dot. Through the real
``salesmeasure validate`` and ``salesmeasure render`` on a tiny data folder.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import clirun
import pandas as pd
import pytest

from salesmeasure.data import load

EXE = str(Path(sys.executable).parent / "salesmeasure")

TABLES = {
    "reps": "rep_id,name,region,hire_date\nR1,Ann,North,2020-01-01\nR2,Bo,South,2021-05-01\n",
    "customers": (
        "customer_id,name,region,segment,channel,signup_date,rep_id\n"
        "C1,Acme,North,SMB,Direct,2025-01-10,R1\n"
        "C2,Beta,South,Enterprise,Partner,2025-03-01,R2\n"
        "C3,Gamma,North,SMB,Online,2025-07-01,R1\n"
    ),
    "targets": "period,region,rep_id,target_amount\n2026Q3,North,,2000\n2026Q3,South,,1000\n",
    "surveys": (
        "response_id,customer_id,survey_date,nps,csat,ces,q_product_quality,"
        "q_service_level,q_after_sales,comment\nS1,C1,2026-08-20,9,5,6,5,4,,great\n"
    ),
    "complaints": (
        "complaint_id,customer_id,opened_date,category,severity,resolved_date\n"
        "K1,C2,2026-08-01,Billing,Low,2026-08-03\n"
    ),
}
HEAD = "order_id,customer_id,order_date,amount,quantity,product_line,rep_id\n"
#: 2026Q2: one North order of 1,250,000 (two dot groups: the dot can only group thousands);
#: 2026Q3: North 2,400 + 50 = 2,450, South 950, all regions 3,400 (2.4 + 50 + 950 = 1,002.4
#: if the dot were read as a decimal mark).
GROUPED = (
    "O1,C1,2026-04-10,1.250.000,1,Hardware,R1\n"
    "O2,C1,2026-08-15,2.400,2,Software,R1\n"
    "O3,C2,2026-07-01,950,10,Services,R2\n"
    "O4,C3,2026-09-01,50,1,Hardware,R1\n"
)
#: The same without the two-group value: 2.400 may be 2.4 or 2,400 (first dotted: row 3).
AMBIGUOUS = (
    "O1,C1,2026-04-10,1250,1,Hardware,R1\n"
    "O2,C3,2026-09-01,50,1,Hardware,R1\n"
    "O3,C1,2026-08-15,2.400,2,Software,R1\n"
    "O4,C2,2026-07-01,950,10,Services,R2\n"
)


def run(*args):
    """``salesmeasure *args``: validate in this process (tests/clirun.py), render in a real one."""
    if args[0] == "validate":
        r = clirun.run(*args)
    else:
        r = subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=600)
    assert "Traceback" not in r.stderr + r.stdout, r.stderr
    return r


def folder(d: Path, orders: str, toml: str | None = None) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    for name, text in TABLES.items():
        (d / f"{name}.csv").write_text(text, encoding="utf-8")
    (d / "orders.csv").write_text(HEAD + orders, encoding="utf-8")
    if toml is not None:
        (d / "salesmeasure.toml").write_text(toml, encoding="utf-8")
    return d


def amounts(d: Path) -> list[float]:
    return sorted(load(d).orders["amount"])


def test_the_reading_is_decided_for_the_whole_column():
    from salesmeasure.data.detect import dot_thousands_reading as how

    assert how(pd.Series(["2.400", "950", "1.250.000", "N/A"])) == "thousands"
    assert how(pd.Series(["USD 2.400", "1.250.000"])) == "thousands"  # currency removed first
    assert how(pd.Series(["2.400", "950", "1.000"])) == "ambiguous"
    assert how(pd.Series(["2.400"])) == "ambiguous"
    assert how(pd.Series(["2.40", "1.250.000"])) is None  # two decimals: not one column's dots
    assert how(pd.Series(["12.50", "3.99"])) is None  # decimals
    assert how(pd.Series(["0.250", "950"])) is None  # a group never starts with 0
    assert how(pd.Series(["950", "12"])) is None  # no dot at all


def test_validate_reads_dots_as_thousands_when_a_value_has_two_groups(tmp_path):
    d = folder(tmp_path / "grouped", GROUPED)
    r = run("validate", d)
    assert r.returncode == 0, r.stdout + r.stderr
    # 1,250,000 + 2,400 + 950 + 50; median of 50, 950, 2,400, 1,250,000 = (950 + 2,400) / 2
    assert "amount total 1,253,400.00 (smallest 50.00, median 1,675.00, largest 1,250,000.00)" in (
        r.stdout
    ), r.stdout
    assert "How some values were read" in r.stdout and "'1.250.000' is 1,250,000" in r.stdout
    assert "orders.amount" in r.stdout and "Warnings" not in r.stdout
    assert "OK: every row passed validation." in r.stdout
    assert amounts(d) == [50.0, 950.0, 2400.0, 1_250_000.0]


def test_one_group_only_is_refused_naming_file_column_row_and_value(tmp_path):
    d = folder(tmp_path / "ambiguous", AMBIGUOUS)
    r = run("validate", d)
    assert r.returncode == 2, r.stdout + r.stderr
    error = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
    assert error, r.stderr
    line = error[0]
    assert str(d / "orders.csv") in line and "column 'amount' (orders.amount)" in line, line
    assert "row 3: '2.400' reads as 2,400 if the dot groups thousands or as 2.4" in line, line
    assert 'decimal = "," and thousands = "." to read 2,400' in line
    assert 'decimal = "." to read 2.4' in line
    # the suggestion on stdout (valid TOML) is the thousands reading
    assert 'thousands = "."' in r.stdout and 'decimal = ","' in r.stdout
    from salesmeasure.data import DataError

    with pytest.raises(DataError, match=r"row 3: '2\.400'"):
        load(d)


def test_saying_how_to_read_the_dot_reads_it_so(tmp_path):
    thousands = folder(
        tmp_path / "t", AMBIGUOUS, '[tables.orders]\ndecimal = ","\nthousands = "."\n'
    )
    r = run("validate", thousands)
    assert r.returncode == 0 and "Warnings" not in r.stdout, r.stdout + r.stderr
    assert "amount total 4,650.00" in r.stdout, r.stdout  # 1,250 + 50 + 2,400 + 950
    assert amounts(thousands) == [50.0, 950.0, 1250.0, 2400.0]
    decimals = folder(tmp_path / "d", AMBIGUOUS, '[tables.orders]\ndecimal = "."\n')
    r = run("validate", decimals)
    assert r.returncode == 0 and "Warnings" not in r.stdout, r.stdout + r.stderr
    assert amounts(decimals) == [2.4, 50.0, 950.0, 1250.0]
    # [format] for every table says it too
    everywhere = folder(tmp_path / "f", AMBIGUOUS, '[format]\ndecimal = "."\n')
    assert amounts(everywhere) == [2.4, 50.0, 950.0, 1250.0]


@pytest.mark.slow
def test_render_shows_revenue_2400_not_2_4(tmp_path):
    """The executive summary of 2026Q3 rendered by the real command: revenue 3,400 for all
    regions (not 1,002.4), North 2,450 (not 52.4), South 950, on the index too."""
    from contract.artifacts import read_index, read_page

    d = folder(tmp_path / "grouped", GROUPED)
    out = tmp_path / "out"
    args = ("--data", d, "--out", out, "--regions", "all", "--notebooks", "00_executive_summary")
    r = run("render", "--period", "2026Q3", *args, "--formats", "html", "--no-progress")
    assert r.returncode == 0, r.stdout + r.stderr
    page = read_page(out / "2026Q3" / "all" / "00_executive_summary.html")
    rows = {row[0]: row[1:] for row in page.rows if row}
    assert rows["Revenue"][0] == "3,400", rows["Revenue"]
    assert rows["North"][1] == "2,450" and rows["South"][1] == "950", (rows["North"], rows["South"])
    index = {row.region: dict(row.scorecard) for row in read_index(out / "2026Q3" / "index.html")}
    assert index["North"]["Revenue"].startswith("2,450 "), index
    assert index["All regions"]["Revenue"].startswith("3,400 "), index
    # the ambiguous folder stops before any report, with the same one-line error
    amb = folder(tmp_path / "ambiguous", AMBIGUOUS)
    r = run(
        "render",
        "--period",
        "2026Q3",
        "--data",
        amb,
        "--out",
        tmp_path / "amb",
        "--formats",
        "html",
    )
    assert r.returncode == 2, r.stdout + r.stderr
    error = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
    assert error and "row 3: '2.400'" in error[0] and "orders.amount" in error[0], r.stderr
    assert not list((tmp_path / "amb").glob("*/*/*.html"))
