"""Every exception the library raises on purpose, in one place, named for what went wrong.

All derive from :class:`SalesmeasureError`, so a caller (the CLI, the batch renderer, a
report section) can tell a problem it should explain in words from a bug. Each keeps
``ValueError`` (or ``RuntimeError``) as a base where it did before, so code that caught
the built-in still catches it.

The message of each is a sentence a person can act on; for data problems it names the
file (or table), column, row and value where they are known.
"""

from __future__ import annotations


class SalesmeasureError(Exception):
    """Base of every error the library raises on purpose."""


class DataError(SalesmeasureError, ValueError):
    """The data source cannot be used as it is (missing table or column, unreadable or
    empty file, a column in a format the reader was not told about)."""

    def __init__(self, message: str, *, file: str | None = None, column: str | None = None):
        super().__init__(message)
        self.file = file
        self.column = column


class PeriodError(SalesmeasureError, ValueError):
    """A period string that cannot be understood."""


class ParameterError(SalesmeasureError, ValueError):
    """A report or function parameter that cannot be used; the message names it."""


class ColumnsMissing(SalesmeasureError, ValueError):
    """A DataFrame handed to an analysis lacks columns it needs (a programming error
    upstream, not bad data: the loader guarantees the data model's columns)."""


class InsufficientData(SalesmeasureError, ValueError):
    """An analysis cannot run on the data it was given: too few rows, no history, no
    responses, no rep, ...

    ``str(exc)`` is one sentence for a manager saying what is missing and what would be
    needed; report sections show it in place of their result and the rest of the report
    renders. Raise it with words from the text layer (``salesmeasure.i18n``) so it
    translates.
    """


class FitError(SalesmeasureError, RuntimeError):
    """A model fit did not converge to a usable maximum of the likelihood."""


class ChromiumNotFound(SalesmeasureError, RuntimeError):
    """No Chromium or Chrome executable to print PDFs with."""


class Missing:
    """A report section's result that could not be computed, with the reason in words.

    Analytics that build a whole report (``<area>.build(ctx, ...)``) compute each section
    with :func:`attempt`; a section whose data is too thin holds a ``Missing`` instead of
    its result. It is falsy, so ``if result:`` reads naturally, and a section that needs
    an earlier one that is missing passes the reason on (``attempt(fn, missing_input)``
    returns that input unchanged).
    """

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = str(reason)

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"Missing({self.reason!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Missing) and other.reason == self.reason

    def __hash__(self) -> int:
        return hash(("Missing", self.reason))


def attempt(fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, or a :class:`Missing` when it raises
    :class:`InsufficientData` or when an argument is itself ``Missing`` (the first one is
    returned, so the earliest reason is the one shown). Any other exception propagates:
    it is a bug, not thin data."""
    for a in (*args, *kwargs.values()):
        if isinstance(a, Missing):
            return a
    try:
        return fn(*args, **kwargs)
    except InsufficientData as exc:
        return Missing(str(exc))
