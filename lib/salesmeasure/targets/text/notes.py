"""Words for what the analytics return as codes: forecast notes and model names."""

from __future__ import annotations

from salesmeasure import format as fmt
from salesmeasure.i18n import _, ngettext
from salesmeasure.targets.forecast import Note


def forecast_note(note: Note) -> str:
    """One forecast note (:class:`~salesmeasure.targets.forecast.Note`) in words."""
    code = note.code
    if code == "flat":
        return _(
            "history is flat at {value} per period; constant forecast without uncertainty"
        ).format(value=fmt.money_full(note.value))
    if code == "no_season":
        return _(
            "history has {n} periods, fewer than two seasonal cycles plus two ({needed}); "
            "seasonality not modelled"
        ).format(n=note.n, needed=note.needed)
    if code == "fits_failed":
        return (
            _("seasonal ETS fits failed; simpler model used")
            if note.seasonal
            else _("non-seasonal ETS fits failed; simpler model used")
        )
    if code == "diverged":
        return _("{model} simulation diverged; simpler model used").format(model=note.model)
    if code == "mean":
        return ngettext(
            "only {n} period of history; forecast is the mean with its spread",
            "only {n} periods of history; forecast is the mean with its spread",
            note.n,
        ).format(n=note.n)
    if code == "negative":
        return _("{share} of simulated values were negative and set to 0").format(
            share=fmt.pct(note.value, decimals=1)
        )
    raise ValueError(f"unknown forecast note {code!r}")


def forecast_notes(notes) -> str:
    """All notes of a forecast as one sentence (empty when there are none)."""
    if not notes:
        return ""
    return _("Note: {notes}.").format(
        notes=fmt.join((forecast_note(n) for n in notes), kind="clauses")
    )


def model_name(model: str, *, region_params: bool = False) -> str:
    """A forecast's model for a reader: ETS names as they are, ``"pooled"`` and ``"none"``
    in words, and a rep forecast on its region's smoothing parameters marked so."""
    if model == "pooled":
        return _("pooled (a typical owner's forecast scaled by customers in book)")
    if model == "none":
        return _("no history")
    if region_params:
        return _("{model} (region's smoothing parameters)").format(model=model)
    return model
