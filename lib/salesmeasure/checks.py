"""The one column check every analysis runs on the frames it is handed."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from salesmeasure.errors import ColumnsMissing


def require_columns(df, columns: Iterable[str | None], what: str) -> None:
    """Raise :class:`~salesmeasure.errors.ColumnsMissing` unless ``df`` is a DataFrame with
    every column in ``columns`` (``None`` entries are ignored).

    The message names ``what`` (for example ``"orders"``), the missing columns and the
    columns it has.
    """
    if not isinstance(df, pd.DataFrame):
        raise ColumnsMissing(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise ColumnsMissing(f"{what} is missing column(s) {missing}; it has {list(df.columns)}")
