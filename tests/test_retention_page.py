"""The retention and CLV page (notebook 03) as a manager opens it (issues 18 and 19).

Artifact tests read the default pack (fixture ``default_pack``: 2026Q3, all + North,
English + Chinese) and check what the page must hold: three takeaways and the headline
KPIs before any model, the call list and the win-back list under their anchors, a
recoverable headline that equals the call list's population and never exceeds what the
model expects those customers to bring, the methods at the end, glossary links that land,
no nan and no variable names, reps by name, and the same customer's numbers on the
all-regions and the North page. Unit tests check the new sentences on hand-made inputs.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import bs4
import numpy as np
import pandas as pd
import pytest
from packs import report

ROOT = Path(__file__).resolve().parents[1]
NAME = "03_retention_clv"
PAGES = [(region, lang) for region in ("all", "North") for lang in ("en", "zh-CN")]
MODEL_SECTIONS = (
    "Cohort retention",
    "Survival: how long customers keep ordering",
    "Purchase model fit and holdout validation",
    "Which customers are still active?",
    "How customer value is computed",
)
MAIN_SECTIONS = (
    "Overview",
    "Recoverable value by region",
    "Call list: recoverable customers to call",
    "Win-back list: customers who have already lapsed",
    "Retention and churn by period, region and segment",
    "Customer lifetime value and tiers",
)


# --------------------------------------------------------------------------- reading
_NUM = re.compile(r"^([+\-−]?)([\d,]*\.?\d+)\s*(k|M|万|亿)?\s*(%)?$")
_SCALE = {None: 1.0, "k": 1e3, "M": 1e6, "万": 1e4, "亿": 1e8}


def number(text: str) -> tuple[float, float]:
    """``(value, half of the printed resolution)`` of '1.14M', '114.3万', '1,143,016',
    '64.5%' (a share: 0.645)."""
    m = _NUM.match(text.strip())
    assert m, f"not one number: {text!r}"
    sign, digits, scale, pct = m.groups()
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    mult = _SCALE[scale] / (100 if pct else 1)
    value = float(digits.replace(",", "")) * mult * (-1 if sign in ("-", "−") else 1)
    return value, 0.5 * 10.0**-decimals * mult


def words(lang: str, *texts: str) -> list[str]:
    from salesmeasure.i18n import _, language

    with language(lang):
        return [_(t) for t in texts]


class Page:
    """One rendered page: its soup, its elements in document order, its tables."""

    def __init__(self, path):
        self.html = path.read_text(encoding="utf-8")
        self.soup = bs4.BeautifulSoup(self.html, "html.parser")
        self.order = {id(el): i for i, el in enumerate(self.soup.find_all(True))}

    def pos(self, el) -> int:
        return self.order[id(el)]

    def heading(self, text: str, levels=("h2", "h3")):
        """The heading whose text (without the anchor pilcrow) is ``text``."""
        for h in self.soup.find_all(list(levels)):
            if h.get_text("", strip=True).rstrip("¶").strip() == text:
                return h
        raise AssertionError(f"no heading {text!r}")

    def table_with(self, text: str):
        """The first table with a cell whose text is ``text``."""
        for t in self.soup.find_all("table"):
            if any(c.get_text(" ", strip=True) == text for c in t.find_all(["th", "td"])):
                return t
        raise AssertionError(f"no table with a cell {text!r}")

    def table_after(self, el):
        """The first table after element ``el``."""
        after = [t for t in self.soup.find_all("table") if self.pos(t) > self.pos(el)]
        assert after, "no table after the heading"
        return after[0]

    @staticmethod
    def frame(table) -> pd.DataFrame:
        """A table as a frame of cell texts: the header row(s) joined as column labels,
        the row labels (th in the body) as the index."""
        head = table.find("thead")
        labels: list[str] = []
        for tr in head.find_all("tr") if head else []:
            cells = [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for j, c in enumerate(cells):
                if j >= len(labels):
                    labels.append(c)
                elif c and not labels[j]:
                    labels[j] = c
        body = table.find("tbody") or table
        rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
                for tr in body.find_all("tr")]  # fmt: skip
        rows = [r for r in rows if r]
        width = max(len(r) for r in rows)
        labels = (labels + [""] * width)[:width]
        df = pd.DataFrame(rows, columns=labels)
        return df.set_index(labels[0])

    def text_between(self, start, end=None) -> str:
        """Visible text of the elements from ``start`` up to ``end`` (top-level blocks)."""
        out = []
        for el in self.soup.find_all(["p", "li", "td", "th", "h1", "h2", "h3"]):
            if self.pos(el) > self.pos(start) and (end is None or self.pos(el) < self.pos(end)):
                if el.name in ("p", "td", "th", "h1", "h2", "h3") or el.find("p") is None:
                    out.append(el.get_text(" ", strip=True))
        return "\n".join(out)


@pytest.fixture(scope="module")
def pages(default_pack):
    return {(r, lang): Page(report(default_pack, NAME, r, lang)) for r, lang in PAGES}


@pytest.fixture(scope="module")
def model():
    """The company's customer value as the pack computes it, and the sample's customers
    and reps (the planted master data)."""
    from salesmeasure import books
    from salesmeasure import report as rep

    ctx = rep.prepare(period="2026Q3", region="all", data_path=str(ROOT / "data" / "sample"))
    end = min(ctx.period.end, pd.Timestamp(ctx.view.as_of))
    value = books.region_value(ctx.data, "all", end, months=12, discount_rate=0.01, margin=1.0)
    customers = pd.read_csv(ROOT / "data" / "sample" / "customers.csv")
    reps = pd.read_csv(ROOT / "data" / "sample" / "reps.csv")
    return SimpleNamespace(values=value.values, customers=customers, reps=reps)


def kpis(page: Page, lang: str) -> pd.DataFrame:
    (rate,) = words(lang, "Retention rate (headline measure)")
    return Page.frame(page.table_with(rate))


def methods(page: Page, lang: str):
    (heading,) = words(lang, "How these numbers are made")
    return page.heading(heading, ("h2",))


# --------------------------------------------------------------------------- the opening
@pytest.mark.parametrize("region, lang", PAGES)
def test_takeaways_and_headline_kpis_come_before_any_model(pages, region, lang):
    page = pages[region, lang]
    overview = page.heading(words(lang, "Overview")[0])
    first_model = min(page.pos(page.heading(h)) for h in words(lang, *MODEL_SECTIONS))
    lists = [ol for ol in page.soup.find_all("ol") if page.pos(ol) > page.pos(overview)]
    takeaways = lists[0]
    items = [li.get_text(" ", strip=True) for li in takeaways.find_all("li")]
    assert len(items) == 3, items
    kpi_table = page.table_with(words(lang, "Retention rate (headline measure)")[0])
    assert page.pos(overview) < page.pos(takeaways) < page.pos(kpi_table) < first_model
    assert page.pos(kpi_table) < page.pos(methods(page, lang))
    # the takeaways say the KPI table's numbers: the retention rate, then the recoverable value
    k = kpis(page, lang)
    rate_row, rec_row = words(lang, "Retention rate (headline measure)",
                              "Recoverable value (can still be saved)")  # fmt: skip
    value = k.columns[0]
    assert k.loc[rate_row, value] in items[0]
    assert k.loc[rec_row, value] in items[1]
    # the first accounts to call: names and reps by name, before any model too
    (call_first,) = words(lang, "Call first")
    top = page.table_with(call_first)
    assert page.pos(top) < first_model
    # the third takeaway links the call list (and the win-back list when there is one)
    links = [a["href"] for a in takeaways.find_all("a")]
    assert "#call-list" in links


@pytest.mark.parametrize("region, lang", PAGES)
def test_call_list_and_win_back_list_have_their_anchors(pages, region, lang):
    page = pages[region, lang]
    call = page.soup.find(id="call-list")
    back = page.soup.find(id="win-back-list")
    assert call is not None and back is not None
    call_h, back_h = (page.heading(h) for h in words(lang, *MAIN_SECTIONS[2:4]))
    # each anchor sits right before its heading, the lists are separate sections
    assert page.pos(call) < page.pos(call_h) < page.pos(back) < page.pos(back_h)


@pytest.mark.parametrize("region, lang", PAGES)
def test_recoverable_headline_is_the_call_lists_population_and_the_models_value(
    pages, model, region, lang
):
    page = pages[region, lang]
    k = kpis(page, lang)
    rec_row, cust, exp_col, rec_col, rec_n = words(
        lang, "Recoverable value (can still be saved)", "Customers", "Expected value",
        "Recoverable value", "Recoverable customers",
    )  # fmt: skip
    headline_text = k.loc[rec_row, k.columns[0]]
    headline, tol = number(headline_text)
    # the call list's sentence states the population it is drawn from: the same amount
    call_h = page.heading(words(lang, MAIN_SECTIONS[2])[0])
    back_h = page.heading(words(lang, MAIN_SECTIONS[3])[0])
    call_text = page.text_between(call_h, back_h)
    assert headline_text in call_text
    # the model: the recoverable customers (20% <= P(active) < 80%) of the view, by hand
    v = model.values.join(model.customers.set_index("customer_id")[["region"]])
    if region != "all":
        v = v[v["region"] == region]
    p = v["prob_alive"].to_numpy()
    mine = (p >= 0.2) & (p < 0.8)
    truth = float(v.loc[mine, "clv"].sum())
    n_truth = int(mine.sum())
    assert abs(headline - truth) <= tol
    assert f"{n_truth:,}" in call_text
    # the by-region table prints it to the unit: equal, and never above expected value
    risk = Page.frame(page.table_after(page.heading(words(lang, MAIN_SECTIONS[1])[0])))
    total_row = risk.iloc[-1]
    assert number(total_row[rec_col])[0] == pytest.approx(truth, abs=0.5 * (len(risk) + 1))
    assert int(total_row[rec_n].replace(",", "")) == n_truth
    for _label, row in risk.iterrows():
        assert number(row[rec_col])[0] <= number(row[exp_col])[0]
    # the tier table: each tier's recoverable value within its expected value, all tiers
    # together the headline's
    tiers = Page.frame(page.table_after(page.heading(words(lang, MAIN_SECTIONS[5])[0])))
    rec = [number(x)[0] for x in tiers[rec_col]]
    exp = [number(x)[0] for x in tiers[exp_col]]
    assert all(r <= e for r, e in zip(rec, exp, strict=True))
    assert sum(rec) == pytest.approx(truth, abs=0.5 * len(rec))
    assert sum(int(x.replace(",", "")) for x in tiers[rec_n]) == n_truth


# --------------------------------------------------------------------------- the order
@pytest.mark.parametrize("region, lang", PAGES)
def test_methods_come_after_the_main_sections_and_provenance_last(pages, region, lang):
    page = pages[region, lang]
    m = page.pos(methods(page, lang))
    for h in words(lang, *MAIN_SECTIONS):
        assert page.pos(page.heading(h)) < m, h
    for h in words(lang, *MODEL_SECTIONS, "Data quality", "Glossary"):
        assert page.pos(page.heading(h)) > m, h
    about = page.pos(page.heading(words(lang, "About this report")[0]))
    assert about > page.pos(page.heading(words(lang, "Glossary")[0]))


@pytest.mark.parametrize("region, lang", PAGES)
def test_every_glossary_link_lands_and_no_method_name_is_unlinked_before_the_methods(
    pages, region, lang
):
    from salesmeasure import glossary

    page = pages[region, lang]
    ids = {el["id"] for el in page.soup.find_all(id=True)}
    hrefs = [a["href"] for a in page.soup.find_all("a", href=True)]
    glossary_links = [h for h in hrefs if h.startswith("#glossary-")]
    assert len(glossary_links) >= 5
    for h in glossary_links + ["#call-list", "#win-back-list"]:
        assert h[1:] in ids, h
    terms = glossary.terms_for(NAME)
    assert len(terms) >= 10
    for t in terms:  # the section writes an entry for every term of the report
        assert glossary.anchor(t.key) in ids, t.key
    # before the methods heading, a method name appears only as a link
    m = methods(page, lang)
    soup = bs4.BeautifulSoup(page.html, "html.parser")
    for a in soup.find_all("a"):
        a.decompose()
    for tag in soup.find_all(["style", "script", "img", "svg", "nav"]):
        tag.decompose()
    before = soup.get_text(" ")
    heading_text = m.get_text("", strip=True).rstrip("¶").strip()
    before = before[: before.index(heading_text)]
    for t in terms:
        for pattern in t.patterns:
            hit = re.search(pattern, before)
            assert hit is None, (t.key, before[max(0, hit.start() - 80) : hit.end() + 80])


@pytest.mark.parametrize("region, lang", PAGES)
def test_no_nan_and_no_variable_names(pages, region, lang):
    page = pages[region, lang]
    soup = bs4.BeautifulSoup(page.html, "html.parser")
    for tag in soup.find_all(["style", "script", "img", "svg"]):
        tag.decompose()
    text = soup.get_text(" ")
    about = words(lang, "About this report")[0]
    text = text[: text.rindex(about)]  # the provenance names files, on purpose
    assert not re.search(r"\b(nan|NaN|None|NaT|inf)\b|<NA>", text), text
    names = re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", text)
    assert not names, names
    assert not re.search(r"\{[a-z_]+\}", text)  # no unformatted placeholder


@pytest.mark.parametrize("region, lang", PAGES)
def test_customer_lists_show_reps_by_name(pages, model, region, lang):
    page = pages[region, lang]
    cust, rep_col, no_rep = words(lang, "Customer ID", "Rep", "no rep")
    rep_of = model.customers.set_index("customer_id")["rep_id"]
    names = model.reps.set_index("rep_id")["name"]
    for heading in words(lang, *MAIN_SECTIONS[2:4]):
        t = Page.frame(page.table_after(page.heading(heading)))
        assert len(t) > 0
        for cid, row in t.iterrows():
            r = rep_of.get(cid)
            expected = no_rep if pd.isna(r) else names[r]
            assert row[rep_col] == expected, (cid, row[rep_col], expected)
    assert names["R01"] == "Anna Adler"


# --------------------------------------------------------------------------- one set of books
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_same_customer_has_the_same_numbers_on_the_all_and_north_pages(pages, lang):
    all_page, north = pages["all", lang], pages["North", lang]
    shared = 0
    for heading in words(lang, *MAIN_SECTIONS[2:4]):
        a = Page.frame(all_page.table_after(all_page.heading(heading)))
        n = Page.frame(north.table_after(north.heading(heading)))
        both = a.index.intersection(n.index)
        shared += len(both)
        pd.testing.assert_frame_equal(a.loc[both], n.loc[both])
    assert shared > 0
    # the North row of the all-regions table by region is the North page's row
    heading = words(lang, MAIN_SECTIONS[1])[0]
    a = Page.frame(all_page.table_after(all_page.heading(heading)))
    n = Page.frame(north.table_after(north.heading(heading)))
    from salesmeasure import format as fmt
    from salesmeasure.i18n import language

    with language(lang):
        row = fmt.label("region", "North")  # 华北 in Chinese
    pd.testing.assert_series_equal(a.loc[row], n.loc[row])


# --------------------------------------------------------------------------- sentences
def headline(**kw):
    from salesmeasure.clv.analysis import Headline

    base = dict(
        retention_rate=0.70, retained=70, active_previous=100, revenue=1000.0,
        revenue_retained=800.0, recoverable_customers=3, recoverable_value=300.0,
        lapsed_customers=2, months=12, top=pd.DataFrame(), retention_year_ago=0.65,
        retention_previous=0.72, total_value=1200.0, lapsed_value=5.0, customers=10,
        retention_period="2026Q3",
    )  # fmt: skip
    base.update(kw)
    return Headline(**base)


def customer_list(rows, **kw):
    from salesmeasure.clv.analysis import CustomerList

    frame = pd.DataFrame(rows).set_index("customer_id")
    return CustomerList(frame, 0.0, "W", **kw)


@pytest.mark.parametrize(
    "rate, year_ago, previous, words_",
    [
        (0.70, 0.65, 0.72, "**Retention is 70.0%, up 5.0 points on a year earlier (65.0%).**"),
        (0.652, 0.65, None, "**Retention is 65.2%, about the same as a year earlier (65.0%).**"),
        (0.60, None, 0.62, "**Retention is 60.0%, down 2.0 points on the quarter before (62.0%).**"),
        (0.60, None, None, "**Retention is 60.0%.**"),
    ],
)  # fmt: skip
def test_retention_takeaway_compares_with_a_year_earlier_else_the_quarter_before(
    rate, year_ago, previous, words_
):
    from salesmeasure.clv.text import takeaways

    first = takeaways(headline(retention_rate=rate, retention_year_ago=year_ago,
                               retention_previous=previous))[0]  # fmt: skip
    assert first.startswith(words_), first
    assert "100 customers" in first and "800" in first and "(80% of the quarter's revenue)" in first


def test_value_takeaway_says_the_recoverable_share_and_the_region_holding_most():
    from salesmeasure.clv.text import takeaways

    risk = SimpleNamespace(table=pd.DataFrame(
        {"recoverable_value": [100.0, 200.0], "clv": [500.0, 700.0]},
        index=pd.Index(["North", "South"], name="region")))  # fmt: skip
    second = takeaways(headline(), risk=risk)[1]
    assert second.startswith("**300 can still be saved**")
    assert "from 3 [recoverable](#glossary-clv-recoverable) customers" in second
    assert "25% of the 1,200 expected from all 10 customers over the next 12 months" in second
    assert second.endswith("South holds the most of it (200).")
    # one region: no "holds the most"; nobody recoverable: said so
    assert "holds the most" not in takeaways(headline())[1]
    none = takeaways(headline(recoverable_customers=0, recoverable_value=0.0))[1]
    assert none.startswith("**No customer is recoverable now**")


def test_action_takeaway_names_the_first_call_by_customer_and_rep_and_sizes_the_win_back():
    from salesmeasure.clv.text import takeaways

    call = customer_list(
        [{"customer_id": "C01", "name": None, "rep_id": "R01", "rep_name": "Anna Adler",
          "clv": 90.0, "past_value": 10.0, "prob_alive": 0.5},
         {"customer_id": "C02", "name": "Acme Ltd", "rep_id": None, "rep_name": None,
          "clv": 30.0, "past_value": 10.0, "prob_alive": 0.4}],
        status="recoverable", population=3, population_value=300.0,
    )  # fmt: skip
    back = customer_list(
        [{"customer_id": "C09", "name": "Gone AG", "rep_id": None, "rep_name": None,
          "clv": 1.0, "past_value": 5000.0, "prob_alive": 0.05}],
        status="lapsed", population=2, population_value=5.0, population_past=6000.0,
    )  # fmt: skip
    third = takeaways(headline(), call, back)[2]
    assert third == (
        "**Call the 2 customers on the [call list](#call-list) first** (120 expected), "
        "starting with C01 (Anna Adler, 90). 2 customers have already lapsed and are "
        "expected to bring only 5; the 1 who spent most (5,000 in the past) is on the "
        "[win-back list](#win-back-list): a campaign, not a call."
    )
    empty = customer_list([{"customer_id": "C01", "clv": 1.0, "past_value": 1.0}]).frame.iloc[:0]
    nobody = takeaways(headline(), SimpleNamespace(frame=empty), None)[2]
    assert nobody == "**No customer needs a retention call now.**"


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_takeaways_and_kpi_table_are_translated_and_keep_their_numbers(lang):
    from salesmeasure.clv.text import headline_table, takeaways
    from salesmeasure.i18n import language

    with language(lang):
        items = takeaways(headline())
        table = headline_table(headline())
    assert len(items) == 3
    if lang == "zh-CN":
        assert "客户留存率为70.0%" in items[0] and "上升5.0个百分点" in items[0]
        assert "Retention" not in " ".join(items)
    values = table.iloc[:, 0].tolist()
    assert values[0] == "70.0%" and values[2] == "300"
    assert not table.isna().any().any()


def test_tier_risk_splits_each_tiers_expected_value_by_hand():
    from salesmeasure.clv.analysis import tier_risk

    values = pd.DataFrame(
        {
            "prob_alive": [0.9, 0.5, 0.1, 0.3, 0.85, 0.05],
            "clv": [100.0, 50.0, 2.0, 20.0, 10.0, 1.0],
        },
        index=[f"C{i}" for i in range(6)],
    )
    tier = pd.Series(pd.Categorical(["Gold", "Gold", "Gold", "Bronze", "Bronze", "Bronze"],
                                    categories=["Gold", "Bronze"]), index=values.index)  # fmt: skip
    t = tier_risk(values, tier)
    assert t.loc["Gold"].to_dict() == {
        "customers": 3, "clv": 152.0, "secure_value": 100.0, "recoverable_customers": 1,
        "recoverable_value": 50.0, "lapsed_customers": 1, "lapsed_value": 2.0,
    }  # fmt: skip
    assert t.loc["Bronze", "recoverable_value"] == 20.0
    assert t.loc["Bronze", "lapsed_customers"] == 1
    parts = t[["secure_value", "recoverable_value", "lapsed_value"]].sum(axis=1)
    np.testing.assert_allclose(parts, t["clv"])


def test_rep_label_prefers_the_name_then_the_id_then_no_rep():
    from salesmeasure.clv.text import rep_label

    assert rep_label("R01", "Anna Adler") == "Anna Adler"
    assert rep_label("R01", None) == "R01"
    assert rep_label(None, np.nan) == "no rep"


def test_recoverable_chart_draws_each_regions_value_split_by_status_by_hand():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from salesmeasure.plots.clv import plot_recoverable_value

    table = pd.DataFrame(
        {"clv": [100.0, 60.0], "secure_value": [70.0, 20.0],
         "recoverable_value": [25.0, 30.0], "lapsed_value": [5.0, 10.0]},
        index=pd.Index(["North", "South"], name="region"),
    )  # fmt: skip
    ax = plot_recoverable_value(table, group="region")
    try:
        bars = [p for p in ax.patches if p.get_width() > 0]
        # sorted by expected value: South (60) first, North (100) on top; three parts each
        by_row = {}
        for p in bars:
            by_row.setdefault(round(p.get_y() + p.get_height() / 2), []).append(p.get_width())
        assert sorted(sum(w) for w in by_row.values()) == [60.0, 100.0]
        assert sorted(by_row[0]) == [10.0, 20.0, 30.0] and sorted(by_row[1]) == [5.0, 25.0, 70.0]
        assert [t.get_text() for t in ax.get_yticklabels()] == ["South", "North"]
        assert [t.get_text() for t in ax.texts] == ["30 recoverable", "25 recoverable"]
        assert "(" in ax.get_xlabel() and ax.get_legend() is not None
    finally:
        plt.close(ax.figure)
