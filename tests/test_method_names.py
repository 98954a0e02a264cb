"""Methods live at the end (issue 19): in every report of the default pack, both
languages, all regions and North, no method name appears before the "How these numbers
are made" section except as a link to its glossary entry; and each report has exactly one
such section, with a glossary after it."""

from __future__ import annotations

import re

import pytest
from packs import LANGS, REGIONS, report

bs4 = pytest.importorskip("bs4")

NOTEBOOKS = (
    "00_executive_summary", "01_target_setting", "02_satisfaction_survey", "03_retention_clv",
)  # fmt: skip
#: The methods a manager need not know by name (the issue's list and the others the
#: reports use), English and Chinese.
METHOD_NAMES = (
    r"BG/NBD", r"Pareto/NBD", r"\bAIC\b", r"\bBrier\b", r"\bHolm", r"adjusted[- ]Wald",
    r"Cronbach", r"Johnson", r"Kaplan[- ]Meier", r"portfolio effect", r"\bETS\b",
    r"exponential smoothing", r"\bWilson\b", r"bootstrap", r"Gamma[- ]Gamma", r"Poisson",
    r"Spearman", r"chi[- ]square", r"\bXmR\b", r"change[- ]point", r"log[- ]rank",
    r"control chart", r"克朗巴赫", r"自助法", r"指数平滑", r"组合效应", r"卡方", r"对数秩",
    r"变点", r"控制图",
)  # fmt: skip


def main_text(html: str, heading: str) -> tuple[str, bool]:
    """The text a reader meets before the methods heading, links and charts left out;
    and whether the heading was found."""
    soup = bs4.BeautifulSoup(html, "html.parser")
    for a in soup.find_all("a"):
        a.decompose()  # a linked name is explained; the contents box links every heading
    for tag in soup.find_all(["style", "script", "img", "svg", "nav", "title", "q", "code"]):
        tag.decompose()  # chart internals, customers' own words, settings written as code
    text = soup.get_text(" ")
    i = text.find(heading)
    return (text[:i], True) if i >= 0 else (text, False)


def test_the_check_finds_an_unlinked_method_name():
    html = "<p>Retention by Kaplan-Meier.</p><h2>How these numbers are made</h2><p>Holm</p>"
    before, found = main_text(html, "How these numbers are made")
    assert found and re.search(METHOD_NAMES[8], before)
    linked = '<p>Retention by <a href="#glossary-km">Kaplan-Meier</a>.</p><h2>M</h2>'
    assert not any(re.search(p, main_text(linked, "M")[0]) for p in METHOD_NAMES)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_method_name_before_the_methods_without_its_glossary_link(
    default_pack, name, region, lang
):
    from salesmeasure import glossary
    from salesmeasure.i18n import _, language

    html = report(default_pack, name, region, lang).read_text(encoding="utf-8")
    with language(lang):
        heading, gloss = _(glossary.METHODS_HEADING), _("Glossary")
    soup = bs4.BeautifulSoup(html, "html.parser")
    h2 = [h for h in soup.find_all("h2") if h.get_text("", strip=True).rstrip("¶") == heading]
    assert len(h2) == 1, f"{name} {region} {lang}: one methods section"
    assert any(_text == gloss for _text in (h.get_text("", strip=True).rstrip("¶")
                                             for h in h2[0].find_all_next("h3")))  # fmt: skip
    before, found = main_text(html, heading)
    assert found
    hits = []
    for pat in METHOD_NAMES:
        m = re.search(pat, before, flags=re.I)
        if m:
            hits.append(before[max(0, m.start() - 60) : m.end() + 30])
    assert not hits, hits
