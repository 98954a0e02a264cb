"""Result objects that carry a table and read like it.

Results keep their metadata (period length, horizon, tier of each customer, the periods a
scorecard compares, ...) as dataclass fields instead of ``DataFrame.attrs``
(experimental in pandas and dropped by ``concat``/``merge``). So that callers can keep
using the columns, each such result forwards item access, ``loc``/``iloc``, ``index``,
``columns``, ``iterrows`` and ``len`` to its table (``result.frame``). Used by
:mod:`salesmeasure.clv` (RFM summaries, values, tiers) and :mod:`salesmeasure.kpi`
(the scorecard).
"""

from __future__ import annotations

import pandas as pd


class FrameResult:
    """Mixin: forwards table access to ``self.frame``."""

    frame: pd.DataFrame

    def __getitem__(self, key):
        return self.frame[key]

    def __len__(self) -> int:
        return len(self.frame)

    def __contains__(self, key) -> bool:
        return key in self.frame

    @property
    def loc(self):
        return self.frame.loc

    @property
    def iloc(self):
        return self.frame.iloc

    @property
    def index(self) -> pd.Index:
        return self.frame.index

    @property
    def columns(self) -> pd.Index:
        return self.frame.columns

    @property
    def empty(self) -> bool:
        return self.frame.empty

    def iterrows(self):
        return self.frame.iterrows()
