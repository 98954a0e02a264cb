"""The target report as rendered by the default pack (tests/packs.py): its anchors, the
leaderboard by name, the period-in-progress numbers equal to ``targets.in_progress``,
glossary links that land, no "nan", in both languages."""

from __future__ import annotations

import re

import packs
import pytest
from bs4 import BeautifulSoup

from salesmeasure import format as fmt
from salesmeasure import glossary, report, targets
from salesmeasure.i18n import _, set_language

NAME = "01_target_setting"
ANCHORS = ("period-in-progress", "monthly-revenue", "rep-leaderboard", "targets-to-reset")
CASES = [(region, lang) for region in packs.REGIONS for lang in packs.LANGS]


def _soup(pack, region, lang) -> BeautifulSoup:
    path = packs.report(pack, NAME, region, lang, "html")
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _section(soup: BeautifulSoup, anchor: str) -> str:
    """Visible text from the anchor to the next h2 heading."""
    start = soup.find(id=anchor)
    assert start is not None, f"no #{anchor}"
    texts, heading = [], None
    for el in start.find_all_next(string=True):
        h2 = el.find_parent("h2")
        if h2 is not None and str(el).strip():
            if heading is None:
                heading = h2
            elif h2 is not heading:
                break
        if el.parent.name in ("script", "style"):
            continue
        texts.append(str(el))
    return " ".join(texts)


@pytest.fixture(scope="module")
def progress():
    """The API's period in progress for the pack's scopes, and the formatter per language."""
    out = {}
    for region in packs.REGIONS:
        ctx = report.prepare(period=packs.PERIOD, region=region)
        out[region] = targets.in_progress(ctx)
    return out


@pytest.mark.parametrize("region,lang", CASES)
def test_anchors_and_glossary_links(default_pack, region, lang):
    soup = _soup(default_pack, region, lang)
    ids = {el.get("id") for el in soup.find_all(id=True)}
    for a in ANCHORS:
        assert a in ids, f"#{a} missing in {region}/{lang}"
    links = {a["href"][1:] for a in soup.find_all("a", href=True) if a["href"].startswith("#")}
    glossary_links = {x for x in links if x.startswith("glossary-")}
    assert {"glossary-p-attain", "glossary-seasonal-pace", "glossary-attainable-band"} <= (
        glossary_links
    )
    assert glossary_links <= ids, f"links without an entry: {sorted(glossary_links - ids)}"
    for a in ANCHORS:  # the takeaways and the sections link to each other's anchors
        if a != "monthly-revenue":
            assert a in links
    text = soup.get_text(" ")
    assert not re.search(r"\bnan\b|\bNaN\b|\bNaT\b", text)


@pytest.mark.parametrize("region,lang", CASES)
def test_leaderboard_by_name(default_pack, region, lang):
    soup = _soup(default_pack, region, lang)
    board = _section(soup, "rep-leaderboard")
    assert "Anna Adler" in board and "Ben Dubois" in board
    if region == "all":
        assert "Yara Petrov" in board  # every region's reps
    assert not re.search(r"\bR\d{2}\b", board), "a bare rep code in the leaderboard"
    takeaways = soup.get_text(" ").split(_heading(lang, "Headline"))[0]
    assert not re.search(r"\bR\d{2}\b", takeaways)


def _heading(lang, text):
    set_language(lang)
    try:
        return _(text)
    finally:
        set_language("en")


@pytest.mark.parametrize("region,lang", CASES)
def test_period_in_progress_numbers_equal_the_api(default_pack, progress, region, lang):
    ip = progress[region]
    assert ip.period == "2026Q4"
    top = ip.top
    set_language(lang)
    try:
        expect = [
            fmt.money(top["booked"]),
            fmt.money(top["target"]),
            fmt.money(top["landing"]),
            fmt.money(top["landing_low"]),
            fmt.money(top["landing_high"]),
            fmt.pct(top["p_attain"], decimals=0),
            fmt.period(ip.period),
        ]
    finally:
        set_language("en")
    soup = _soup(default_pack, region, lang)
    section = _section(soup, "period-in-progress")
    for value in expect:
        assert value in section, f"{value} not in the period-in-progress section"
    # the first takeaway says the same
    lead = soup.find(
        lambda t: t.name == "strong" and t.get_text().strip() == _heading(lang, "In short")
    )
    assert lead is not None
    first = lead.find_next("ol")
    item = first.find("li").get_text(" ")
    for value in expect[:2] + expect[5:6]:
        assert value in item
    # the sample's figures the issue quotes: 2.86M target, 1.36M booked, 12% (North 6%;
    # 752.0k, 342.9k and 5% before the harder book of issue 22 moved North's amounts)
    if lang == "en":
        wanted = ("2.86M", "1.36M", "12%") if region == "all" else ("749.0k", "343.8k", "6%")
        for w in wanted:
            assert w in section


@pytest.mark.parametrize("lang", packs.LANGS)
def test_methods_at_the_end_and_names_linked_in_prose(default_pack, lang):
    """Everything after "How these numbers are made" is the methods part: the backtest and
    the control charts are there, not before; in the prose before it (paragraphs and
    list items), each registered term of the report is a link where it appears."""
    soup = _soup(default_pack, "all", lang)
    heading = _heading(lang, glossary.METHODS_HEADING)
    h2 = [h.get_text(" ").replace("¶", "").strip() for h in soup.find_all("h2")]
    assert heading in h2
    methods_at = h2.index(heading)
    before = h2[:methods_at]
    for later in ("Forecast calibration", "Which allocation method was right"):
        assert _heading(lang, later) not in before
    assert _heading(lang, "Rep leaderboard") in before
    # prose before the heading: every occurrence of a term's pattern is inside a link
    set_language(lang)
    try:
        terms = glossary.terms_for(NAME)
    finally:
        set_language("en")
    end = soup.find(lambda t: t.name == "h2" and heading in t.get_text())
    unlinked = []
    for el in end.find_all_previous(["p", "li"]):
        if el.find_parent(["table", "nav"]) or el.find_parent(class_=re.compile("toc")):
            continue
        linked = " ".join(a.get_text(" ") for a in el.find_all("a"))
        plain = el.get_text(" ")
        for t in terms:
            for pat in t.patterns:
                n_all = len(re.findall(pat, plain, flags=re.I))
                n_linked = len(re.findall(pat, linked, flags=re.I))
                if n_all and not n_linked:
                    unlinked.append(f"{t.key!r} in: {plain[:100]}")
    assert not unlinked, "\n".join(unlinked)


def test_link_terms_links_first_mentions_only():
    text = "P(attain) is 11%; P(attain) again; the backtest and [SMART](#x) and `P(attain)`."
    out = targets.link_terms(text)
    assert out.count("(#glossary-p-attain)") == 1
    assert out.startswith("[P(attain)](#glossary-p-attain) is 11%; P(attain) again")
    assert "[backtest](#glossary-backtest)" in out
    assert "[SMART](#x)" in out and "[[" not in out and "`P(attain)`" in out
    set_language("zh-CN")
    try:
        assert targets.link_terms("达成概率为 5%") == "[达成概率](#glossary-p-attain)为 5%"
    finally:
        set_language("en")
