"""The survey report's page (issue 19): takeaways, NPS 0-10 distribution, responses per
period, the detractor follow-up list ordered by customer value, the driver priority (or
"no clear priority"), and the methods with their glossary at the end.

The hand tests run on a few rows written here, every expected number worked out by hand
in the comments; the artifact tests read the default pack that ``salesmeasure render``
writes (fixture ``default_pack``), English and Chinese, all regions and North."""

from __future__ import annotations

import html as htmllib
import re

import numpy as np
import pandas as pd
import pytest

from salesmeasure import glossary, report, survey
from salesmeasure.i18n import _, language
from salesmeasure.stats import Estimate
from salesmeasure.survey.drivers import KeyDrivers

# --------------------------------------------------------------------------- tiny data

REPS = "rep_id,name,region,hire_date\nR01,Anna Adler,North,2020-01-01\nR02,,North,2021-01-01\n"
CUSTOMERS = (
    "customer_id,name,region,segment,channel,signup_date,rep_id\n"
    "C1,Acme,North,SMB,Direct,2025-01-01,R01\n"
    "C2,,North,SMB,Direct,2025-01-01,R02\n"  # no name: shown by id; rep R02 has no name
    "C3,Gamma,North,SMB,Direct,2025-01-01,\n"  # a house account
    "C4,Delta,North,SMB,Direct,2025-01-01,R01\n"  # a promoter: not on the list
)
ORDERS = (
    "order_id,customer_id,order_date,amount,quantity,product_line,rep_id\n"
    "O1,C1,2025-07-10,100,1,Hardware,R01\nO2,C2,2025-08-01,200,1,Hardware,R02\n"
    "O3,C3,2025-09-01,50,1,Hardware,\nO4,C4,2025-09-02,70,1,Hardware,R01\n"
    "O5,C1,2025-04-10,100,1,Hardware,R01\n"
)
SURVEYS = (
    "response_id,customer_id,survey_date,nps,csat,ces,q_product_quality,q_service_level,"
    "q_after_sales,comment\n"
    "S1,C1,2025-07-20,3,2,3,2,2,2,Too slow\n"
    "S2,C1,2025-09-10,5,2,3,2,2,2,Still slow\n"  # C1's latest detractor answer
    "S3,C2,2025-08-05,6,3,4,3,3,3,\n"
    "S4,C3,2025-09-15,0,1,1,1,1,1,Never again\n"
    "S5,C4,2025-09-20,10,5,7,5,5,5,Great\n"
    "S6,C2,2025-05-01,2,1,1,1,1,1,old quarter\n"  # 2025Q2: not in the 2025Q3 list
)
COMPLAINTS = (
    "complaint_id,customer_id,opened_date,category,severity,resolved_date\n"
    "K1,C1,2025-08-01,Service,Low,\n"  # open at 30 Sep: counts
    "K2,C1,2025-06-01,Service,Low,2025-10-15\n"  # resolved after the period end: open then
    "K3,C1,2025-09-01,Service,Low,2025-09-20\n"  # resolved in time: not open
    "K4,C2,2025-09-29,Billing,Low,2025-09-30\n"  # resolved on the period end: not open
    "K5,C3,2025-10-05,Billing,Low,\n"  # opened after the period end: not counted
)
# C1: 2 open (K1, K2), C2: 0, C3: 0


def _write(d, files):
    d.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


@pytest.fixture()
def tiny(tmp_path):
    return _write(
        tmp_path / "tiny",
        {
            "reps.csv": REPS,
            "customers.csv": CUSTOMERS,
            "orders.csv": ORDERS,
            "surveys.csv": SURVEYS,
            "complaints.csv": COMPLAINTS,
        },
    )


def _ctx(path):
    return report.prepare(period="2025Q3", region="all", data_path=str(path))


VALUES = pd.Series({"C1": 50.0, "C2": 900.0, "C3": 300.0, "C4": 5000.0})


def test_follow_up_orders_by_value_counts_open_complaints_and_names_people(tiny):
    fu = survey.follow_up(_ctx(tiny), values=VALUES)
    t = fu.table
    # detractors of 2025Q3: C1 (S1, S2), C2 (S3), C3 (S4); C4 is a promoter
    assert list(t["customer_id"]) == ["C2", "C3", "C1"]  # 900 > 300 > 50
    assert list(t["value"]) == [900.0, 300.0, 50.0]
    assert list(t["name"]) == ["C2", "Gamma", "Acme"]  # nameless C2 shown by its id
    assert list(t["rep"]) == ["R02", "", "Anna Adler"]  # R02 has no name; C3 a house account
    assert list(t["open_complaints"]) == [0, 0, 2]
    c1 = t.set_index("customer_id").loc["C1"]
    assert (c1["response_id"], c1["nps"], c1["answers"]) == ("S2", 5, 2)  # latest, of 2
    assert fu.at == pd.Timestamp("2025-09-30") and not fu.complaints_absent

    shown = survey.detractors_table(fu).data
    assert list(shown[_("Customer")]) == ["C2", "Gamma", "Acme"]
    assert list(shown[_("Rep")]) == ["R02", "house account", "Anna Adler"]
    assert list(shown[_("Open complaints")]) == ["0", "0", "2"]
    assert list(shown[_("Expected value")]) == ["900", "300", "50"]
    assert shown[_("Comment")].iloc[2] == "<q>Still slow</q>"
    assert shown[_("Comment")].iloc[0] == "\u2014"  # no comment: a dash, not a quote


def test_follow_up_unvalued_customers_go_last_and_without_complaints_table_say_unknown(tiny):
    (tiny / "complaints.csv").unlink()
    fu = survey.follow_up(_ctx(tiny), values=pd.Series({"C1": 10.0}))
    t = fu.table
    # C1 valued; C2 (6) and C3 (0) unvalued: lowest score first
    assert list(t["customer_id"]) == ["C1", "C3", "C2"]
    assert fu.complaints_absent and t["open_complaints"].isna().all()
    shown = survey.detractors_table(fu).data
    assert set(shown[_("Open complaints")]) == {"no data"}  # absent is not 0
    assert list(shown[_("Expected value")]) == ["10", "not valued", "not valued"]
    text = survey.describe_detractors(fu)
    assert "no complaints table" in text and "3 customers answered as detractors" in text


def test_without_a_surveys_table_the_list_and_takeaways_say_so(tiny):
    from salesmeasure.errors import Missing

    (tiny / "surveys.csv").unlink()
    ctx = _ctx(tiny)
    fu = survey.follow_up(ctx, values=VALUES)
    assert isinstance(fu, Missing) and "no surveys table" in fu.reason
    text = survey.takeaways(survey.build(ctx), fu)
    assert text.count("no surveys table") >= 2 and "Call back" not in text


def test_follow_up_takes_the_retention_reports_customer_values(tiny, monkeypatch):
    from types import SimpleNamespace

    from salesmeasure import books
    from salesmeasure.clv import DEFAULT_DISCOUNT_RATE, DEFAULT_MARGIN, DEFAULT_MONTHS

    seen = {}

    def fake(dataset, region, end, **kw):
        seen.update(region=region, end=end, **kw)
        return SimpleNamespace(values=pd.DataFrame({"clv": VALUES}))

    monkeypatch.setattr(books, "region_value", fake)
    ctx = _ctx(tiny)
    fu = survey.follow_up(ctx)
    assert list(fu.table["customer_id"]) == ["C2", "C3", "C1"]
    assert seen == {
        "region": "all", "end": pd.Timestamp("2025-09-30"), "months": DEFAULT_MONTHS,
        "discount_rate": DEFAULT_DISCOUNT_RATE, "margin": DEFAULT_MARGIN, "holdout_weeks": 0,
    }  # fmt: skip


def test_takeaways_name_nps_the_weakest_area_and_the_call_backs(tiny):
    ctx = _ctx(tiny)
    r = survey.build(ctx)
    fu = survey.follow_up(ctx, values=VALUES)
    text = survey.takeaways(r, fu)
    lines = text.splitlines()
    assert [ln[:3] for ln in lines] == ["1. ", "2. ", "3. "]
    assert "**NPS**: too few answers in 2025Q3" in lines[0]  # 5 answers, 30 needed
    assert "too few answers" in lines[1]
    assert "**Call back 3 detractors** of 2025Q3" in lines[2]
    assert "C2 (rep R02), worth 900 in expected value" in lines[2]
    assert "1 of them has a complaint still open" in lines[2]
    assert "(#detractor-follow-up)" in lines[2]


def test_nps_distribution_and_response_history_by_hand(tiny):
    ctx = _ctx(tiny)
    r = survey.build(ctx)
    d = r.distribution
    # 2025Q3 answers: 3, 5, 6, 0, 10; 2025Q2: 2
    assert list(d["count"]) == [1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1]
    assert d["share"].sum() == pytest.approx(1.0) and d.loc[10, "share"] == pytest.approx(0.2)
    assert list(d["count_before"]) == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert list(d["group"]) == ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2
    h = r.history.set_index("period")
    # 2025Q2: O5 (C1) active, S6 from C2 -> 1 response, 0 of 1 active answered
    assert h.loc["2025Q2", ["responses", "active", "answered"]].tolist() == [1, 1, 0]
    # 2025Q3: C1..C4 active, all four answered; 5 responses
    assert h.loc["2025Q3", ["responses", "respondents", "active", "answered"]].tolist() == [
        5, 4, 4, 4,
    ]  # fmt: skip
    assert h.loc["2025Q3", "rate"] == 1.0
    assert list(h.index) == ["2025Q2", "2025Q3"]  # nothing before the first survey
    assert "surveys were sent" in survey.describe_history(r.history)


def _kd(lo, hi, means):
    drivers = ["q_product_quality", "q_service_level", "q_after_sales"]
    w = [(a + b) / 2 for a, b in zip(lo, hi, strict=True)]
    t = pd.DataFrame(
        {"weight": w, "ci_low": lo, "ci_high": hi, "mean": means},
        index=pd.Index(drivers, name="driver"),
    )
    return KeyDrivers(t, Estimate(sum(w), sum(w) * 0.9, sum(w) * 1.1, 100, "x"), "nps", 100, 0)


def test_driver_priority_names_the_lowest_rated_area_that_clearly_matters():
    # after-sales (0.20-0.30) lies wholly above product quality (0.05-0.10): it matters
    # more; service (0.12-0.25) overlaps both. Lowest-rated of those that matter: after-sales
    kd = _kd([0.05, 0.12, 0.20], [0.10, 0.25, 0.30], [3.9, 3.5, 3.2])
    p = survey.driver_priority(kd)
    assert (p.driver, p.reason, p.important) == (
        "q_after_sales",
        "priority",
        ("q_service_level", "q_after_sales"),
    )
    assert survey.describe_priority(kd).startswith("**Priority: after-sales support**.")
    assert list(survey.priority_table(kd)[_("Verdict")]) == ["priority", "matters more", "\u2014"]


def test_driver_priority_says_no_clear_priority_when_the_intervals_overlap():
    kd = _kd([0.10, 0.12, 0.11], [0.20, 0.22, 0.21], [3.9, 3.5, 3.2])
    p = survey.driver_priority(kd)
    assert (p.driver, p.reason, p.lowest) == (None, "overlap", "q_after_sales")
    assert survey.describe_priority(kd).startswith("No clear priority")
    # the areas that matter are rated above the average (3.5): no priority either
    kd = _kd([0.05, 0.12, 0.20], [0.10, 0.25, 0.30], [3.0, 3.7, 3.8])
    assert survey.driver_priority(kd).reason == "well rated"


def test_link_terms_links_method_names_but_not_links_tags_or_quotes():
    text = "Holm correction; [Holm](#x); <q>Holm said</q>; Wilson and Cronbach's alpha."
    out = survey.link_terms(text)
    assert out == (
        "[Holm](#glossary-survey-holm) correction; [Holm](#x); <q>Holm said</q>; "
        "[Wilson](#glossary-survey-wilson) and [Cronbach](#glossary-survey-cronbach)'s alpha."
    )
    assert survey.linked(lambda r: r)("bootstrap") == "[bootstrap](#glossary-survey-bootstrap)"


def test_every_survey_term_has_a_chinese_explanation():
    terms = glossary.terms_for("survey")
    assert len(terms) >= 10
    with language("zh-CN"):
        for t in terms:
            assert _(t.explanation) != t.explanation, t.key
            assert re.search(r"[\u4e00-\u9fff]", _(t.term) + _(t.explanation)), t.key


# --------------------------------------------------------------------------- artifacts

NAME = "02_satisfaction_survey"
CASES = [(lang, region) for lang in ("en", "zh-CN") for region in ("all", "North")]


def _page(pack, lang, region):
    from packs import report as path

    return path(pack, NAME, region, lang, "html").read_text(encoding="utf-8")


def _text(html: str) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", body))


def _main(html: str, lang: str) -> tuple[str, str]:
    """The page's main flow and its closing section, split at the methods heading."""
    with language(lang):
        heading = _(glossary.METHODS_HEADING)
    m = re.search(r"<h2[^>]*>\s*" + re.escape(heading), html)
    assert m, heading
    start = html.rfind("</h1>", 0, html.find('<h2 id="'))  # after the header and contents
    return html[start : m.start()], html[m.start() :]


@pytest.mark.parametrize(("lang", "region"), CASES)
def test_page_reads_for_a_manager(default_pack, lang, region):
    html = _page(default_pack, lang, region)
    main, methods = _main(html, lang)
    text = _text(main)
    with language(lang):
        words = {
            k: _(v)
            for k, v in {
                "drivers": "What drives loyalty",
                "follow": "Detractors to follow up",
                "who": "Who answered",
                "complaints": "Complaints",
                "glossary": "Glossary",
                "reliability": "Scale reliability",
                "quality": "Data quality and sample sizes",
                "dist_axis": "Share of answers (%)",
            }.items()
        }
    # three numbered takeaways before the first section heading
    top = main[: main.find('<h2 id="')]  # before the first section
    assert len(re.findall(r"<li>", top[top.rfind("<ol") :])) == 3
    assert "#detractor-follow-up" in top
    # the sections of the main flow come before the methods, the methods sections after
    for k in ("drivers", "follow", "who", "complaints"):
        assert words[k] in text, k
    for k in ("reliability", "quality", "glossary"):
        assert words[k] in _text(methods) and words[k] not in text, k
    # anchors the executive summary links to
    assert 'id="detractor-follow-up"' in main and 'id="drivers"' in main
    # the NPS distribution chart: one more image than before it, placed in the headline
    head = main[main.find("NPS") :]
    assert head.count("<img") + head.count("<svg") >= 1  # charts are SVG (issue 20)
    # no nan, no variable names
    for bad in ("nan", "NaN", "None", "q_after_sales", "q_service_level", "customer_id",
                "open_complaints", "share_before", "p_top"):  # fmt: skip
        assert not re.search(rf"(?<![\w-]){bad}(?![\w-])(?! of)", _text(html)), bad
    # every glossary link lands on an anchor of this page
    targets = set(re.findall(r'href="#(glossary-[^"]+)"', html))
    assert targets, "no glossary link"
    ids = set(re.findall(r'id="(glossary-[^"]+)"', html))
    assert targets <= ids, targets - ids
    # no method name of the survey glossary in the main flow without its link
    plain = re.sub(r"<a [^>]*>.*?</a>", " ", main, flags=re.S)
    plain = _text(re.sub(r"<img[^>]*>|<svg.*?</svg>", " ", plain, flags=re.S))
    for t in glossary.terms_for("survey"):
        for pat in t.patterns:
            hit = re.search(pat, plain)
            assert not hit, (t.key, plain[max(0, hit.start() - 80) : hit.end() + 40])


def _follow_up_rows(html: str) -> list[list[str]]:
    start = html.find('id="detractor-follow-up"')
    table = html[html.find("<table", start) : html.find("</table>", start)]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    cells = [
        [_text(c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)] for r in rows
    ]
    return cells


def _amount(s: str) -> float:
    s = s.replace(",", "")
    for suffix, mult in (("k", 1e3), ("M", 1e6)):
        if s.endswith(suffix):
            return float(s[:-1]) * mult
    return float(s)


@pytest.mark.parametrize("region", ["all", "North"])
def test_follow_up_list_is_ordered_by_value_with_names_and_reps(default_pack, region):
    html = _page(default_pack, "en", region)
    rows = _follow_up_rows(html)
    head, body = rows[0], rows[1:]
    assert head == [
        "Customer", "Date", "Score (0-10)", "Comment", "Open complaints", "Rep", "Expected value",
    ]  # fmt: skip
    assert 5 <= len(body) <= survey.FOLLOW_UP_SHOWN
    values = [_amount(r[6]) for r in body]
    assert values == sorted(values, reverse=True) and values[0] > 0
    assert all(0 <= int(r[2]) <= 6 for r in body)
    assert not any(re.fullmatch(r"R\d\d", r[5]) for r in body)  # reps by name
    assert not any(re.fullmatch(r"C\d{7}", r[0]) for r in body)  # the sample names them all
    if region == "North":
        reps = pd.read_csv(report.default_data_dir() / "reps.csv")
        north = set(reps.loc[reps["region"] == "North", "name"])
        assert {r[5] for r in body} <= north | {"house account"}


def test_follow_up_list_in_chinese(default_pack):
    rows = _follow_up_rows(_page(default_pack, "zh-CN", "all"))
    assert len(rows[0]) == 7 and all(re.search(r"[\u4e00-\u9fff]", h) for h in rows[0])
    en = _follow_up_rows(_page(default_pack, "en", "all"))
    assert [r[0] for r in rows[1:]] == [r[0] for r in en[1:]]  # same customers, same order
    assert np.all([r[2] for r in rows[1:]] == np.array([r[2] for r in en[1:]]))


def _scores(diff, significant):
    from salesmeasure.survey.build import Scores

    head = pd.DataFrame(
        {"value": [30.0], "ci_low": [22.0], "ci_high": [38.0], "n": [400], "suppressed": [False]},
        index=["nps"],
    )
    change = pd.DataFrame(
        {"difference": [diff], "significant": [significant], "suppressed": [False],
         "value_b": [30.0 - diff], "n_b": [380], "p_adjusted": [0.01 if significant else 0.4]},
        index=["nps"],
    )  # fmt: skip
    shares = pd.Series({"promoter": 0.5, "passive": 0.3, "detractor": 0.2})
    return Scores(head, change, shares, "2026Q3", "2026Q2")


def test_nps_takeaway_says_whether_the_change_is_real():
    from types import SimpleNamespace

    from salesmeasure.errors import Missing

    def first(diff, sig):
        r = SimpleNamespace(scores=_scores(diff, sig), ratings=Missing("x"), drivers=Missing("x"))
        return survey.takeaways(r, Missing("no list")).splitlines()[0]

    real = first(8.0, True)
    assert real.startswith("1. **NPS is +30** in 2026Q3 (+22 to +38): 50% promoters minus 20%")
    assert "It is up 8 points on 2026Q2, a real change" in real
    noise = first(-3.0, False)
    assert "It is down 3 points on 2026Q2, within what chance alone produces" in noise
    with language("zh-CN"):
        zh = first(8.0, True)
    assert "较2026年第二季度上升8分" in zh and "真实的变化" in zh


def test_survey_report_keeps_its_attributes_and_adds_the_page_ones(tiny):
    import dataclasses

    from salesmeasure.survey.build import SurveyReport

    names = {f.name for f in dataclasses.fields(SurveyReport)}
    assert {
        "title", "period", "previous", "as_of", "n_responses", "n_previous", "scores", "trend",
        "ratings", "reliability", "drivers", "regions", "complaints", "retention", "responses",
        "absent", "distribution", "history",
    } <= names  # fmt: skip
    r = survey.build(_ctx(tiny))
    assert r.priority is r.drivers  # too few answers for key drivers: the same Missing


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_pdf_page_one_shows_the_three_takeaways(default_pack, lang):
    import shutil
    import subprocess

    from packs import report as path

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    pdf = path(default_pack, NAME, "all", lang, "pdf")
    one = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    one = re.sub(r"\s+", "", one)
    starts = (
        ("NPSis", "istheweakestarea", "Callback")
        if lang == "en"
        else ("NPS为", "是最薄弱的方面", "位贬损者")
    )
    for s in starts:
        assert s in one, s
