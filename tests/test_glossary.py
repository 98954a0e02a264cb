"""The glossary registry: links land on the entries the closing section writes, in both
languages, and a key cannot be registered twice with different words."""

from __future__ import annotations

import re

import pytest

from salesmeasure import glossary
from salesmeasure.i18n import N_, _, language


@pytest.fixture
def terms():
    saved = dict(glossary.TERMS)
    glossary.TERMS.clear()
    glossary.register(
        glossary.Term("holm", N_("Holm correction"), N_("Glossary"), reports=("survey",)),
        glossary.Term(
            "wilson", "Wilson interval", "A range for a share.", reports=("survey", "clv")
        ),
        glossary.Term("ets", "ETS", "A forecast.", reports=("targets",)),
    )
    yield
    glossary.TERMS.clear()
    glossary.TERMS.update(saved)


def test_link_points_at_the_entry_that_section_writes(terms):
    link = glossary.link("wilson")
    assert link == "[Wilson interval](#glossary-wilson)"
    assert glossary.link("wilson", "Wilson") == "[Wilson](#glossary-wilson)"
    md = glossary.section("02_satisfaction_survey")
    anchors = re.findall(r'<a id="([^"]+)"></a>', md)
    # the survey report's terms only, sorted by the term as shown
    assert anchors == ["glossary-holm", "glossary-wilson"]
    assert md.startswith("### Glossary\n")
    assert "**Wilson interval**: A range for a share." in md
    assert glossary.section("03_retention_clv").count("<a id=") == 1
    assert glossary.section("summary") == ""  # no terms: no empty heading


def test_section_in_chinese(terms):
    with language("zh-CN"):
        md = glossary.section("survey")
        heading = _(glossary.METHODS_HEADING)
    assert heading == "这些数字是怎么得出的"
    assert md.startswith("### 术语说明\n")
    # explanations are translated when shown (this one is the catalog's "Glossary"); a
    # term without a catalog entry stays as written
    assert "**Holm correction**: 术语说明" in md


def test_register_refuses_a_changed_term_and_a_bad_key(terms):
    glossary.register(glossary.Term("ets", "ETS", "A forecast.", reports=("targets",)))  # same: ok
    with pytest.raises(ValueError, match="registered twice"):
        glossary.register(glossary.Term("ets", "ETS", "Other words.", reports=("targets",)))
    with pytest.raises(ValueError, match="lowercase"):
        glossary.register(glossary.Term("Bad Key", "x", "y"))
