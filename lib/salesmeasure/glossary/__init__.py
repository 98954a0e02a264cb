"""Plain-word explanations of the methods a report names, and links to them.

Every report ends with "How these numbers are made": the methods, model fit and backtests,
then a glossary of the terms the report uses, one or two plain sentences each, in the
report's language. Where the report's main text names a method (BG/NBD, Holm, Kaplan-Meier
...) it links the name to its glossary entry with :func:`link`, so a manager who meets the
word can read what it means without leaving the page.

Terms are registered per report area, one module of this package per area (``summary``,
``targets``, ``survey``, ``clv``; none is written yet), each imported at the end of this
file so that its terms are registered whenever the glossary is used::

    from salesmeasure.glossary import Term, register
    register(Term("bgnbd", N_("BG/NBD model"), N_("A model of ..."), reports=("clv",),
                  patterns=(r"BG/NBD",)))

``patterns`` are the regular expressions by which the term is recognised in a rendered
report (English and Chinese spellings), for a check over the rendered pack that no method
name appears before the methods section without a link (issue 19; not written yet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from salesmeasure.i18n import N_, _

__all__ = [
    "METHODS_HEADING",
    "REPORTS",
    "TERMS",
    "Term",
    "anchor",
    "link",
    "register",
    "section",
    "terms_for",
]

#: The heading of every report's closing section (translated where it is shown).
METHODS_HEADING = N_("How these numbers are made")
#: Report areas, by notebook.
REPORTS = {
    "00_executive_summary": "summary",
    "01_target_setting": "targets",
    "02_satisfaction_survey": "survey",
    "03_retention_clv": "clv",
}


@dataclass(frozen=True)
class Term:
    """One glossary entry: ``key`` (ASCII, the anchor ``glossary-<key>``), the term and its
    explanation (English source strings marked with ``N_``; translated when shown), the
    report areas that use it, and regexes that find the term in rendered text."""

    key: str
    term: str
    explanation: str
    reports: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


#: Every registered term by key.
TERMS: dict[str, Term] = {}


def register(*terms: Term) -> None:
    """Add terms to the glossary (a key registered twice must be the same term)."""
    for t in terms:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", t.key):
            raise ValueError(f"glossary key {t.key!r} must be lowercase ASCII, digits and '-'")
        old = TERMS.get(t.key)
        if old is not None and old != t:
            raise ValueError(f"glossary key {t.key!r} registered twice with different text")
        TERMS[t.key] = t


def anchor(key: str) -> str:
    """The in-page anchor of a term's glossary entry."""
    return f"glossary-{key}"


def link(key: str, text: str | None = None) -> str:
    """Markdown linking ``text`` (default: the term in the current language) to the term's
    glossary entry at the end of the same report."""
    t = TERMS[key]
    return f"[{text if text is not None else _(t.term)}](#{anchor(key)})"


def terms_for(report: str) -> list[Term]:
    """The terms of one report area (``targets``, ``survey``, ``clv``, ``summary``; or a
    notebook name), sorted by the term in the current language."""
    area = REPORTS.get(report, report)
    return sorted((t for t in TERMS.values() if area in t.reports), key=lambda t: _(t.term).lower())


def section(report: str) -> str:
    """The glossary of one report as Markdown: a heading, then one entry per term with its
    anchor (so :func:`link` lands on it)."""
    terms = terms_for(report)
    if not terms:
        return ""
    heading = _("Glossary")
    lines = [f"### {heading}", ""]
    for t in terms:
        lines.append(f'<a id="{anchor(t.key)}"></a>**{_(t.term)}**: {_(t.explanation)}')
        lines.append("")
    return "\n".join(lines)


# Per-area term modules register their terms on import.
from salesmeasure.glossary import clv as _clv  # noqa: E402, F401  (retention report)
from salesmeasure.glossary import summary as _summary  # noqa: E402, F401  (executive summary)
from salesmeasure.glossary import survey as _survey  # noqa: E402, F401  (survey report)
from salesmeasure.glossary import targets as _targets  # noqa: E402, F401  (target report)
