"""Absent is not zero: which optional tables a data set has, and the one sentence a report
says about a table it does not have.

A table is *absent* when it has no source at all (no file, sheet or database table, or
``absent = true`` in ``salesmeasure.toml``; ``Dataset.absent``). An absent table is an
empty frame with the model's columns, but it does not mean "none happened": no
complaints table is "no complaints data", never "no complaints were opened". A table
that exists with zero rows is present (none happened).

Only ``orders`` is essential; each report says in one sentence what a missing optional
table would add (:func:`absent_sentence`) and renders the rest.
"""

from __future__ import annotations

from salesmeasure.i18n import N_, _

__all__ = ["OPTIONAL_TABLES", "absent_sentence", "has_table"]

#: What each optional table adds to the reports (one sentence each, translated on use).
_ADDS = {
    "customers": N_(
        "There is no customers table in the data, so each customer's first order is taken "
        "as their signup; a customers table would add names, segments and channels."
    ),
    "reps": N_(
        "There is no reps table in the data; a reps table would add names and targets per rep."
    ),
    "targets": N_(
        "There is no targets table in the data; a targets table would add target attainment."
    ),
    "surveys": N_(
        "There is no surveys table in the data; a surveys table would add NPS, CSAT and "
        "their drivers."
    ),
    "complaints": N_(
        "There is no complaints table in the data; a complaints table would add the complaint rate."
    ),
}
OPTIONAL_TABLES = tuple(_ADDS)


def has_table(dataset, name: str) -> bool:
    """``dataset.has(name)``: False only for a table with no source at all.

    Works on a data set of before ``Dataset.absent`` existed (every table present).
    """
    if hasattr(dataset, "has"):
        return bool(dataset.has(name))
    return name not in getattr(dataset, "absent", frozenset())


def absent_sentence(table: str) -> str:
    """The sentence a report shows for an absent optional table, in the report language."""
    return _(_ADDS[table])
