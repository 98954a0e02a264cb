"""The data model: the six tables, each column's kind, and the pandera range checks."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

TABLE_NAMES = ("customers", "reps", "orders", "targets", "surveys", "complaints")

#: Column -> kind for every table of the data model. Kinds: id (string, required),
#: str (string, required), text (string, may be empty), date (required), date? (may be
#: empty), num (number, required), num? (number, may be empty).
COLUMNS: dict[str, dict[str, str]] = {
    "customers": {
        "customer_id": "id",
        "name": "text",
        "region": "str",
        "segment": "str",
        "channel": "str",
        "signup_date": "date",
        "rep_id": "id?",  # empty: a house account with no rep (its revenue counts to the region)
    },
    "orders": {
        "order_id": "id",
        "customer_id": "id",
        "order_date": "date",
        "amount": "num",
        "quantity": "num",
        "product_line": "str",
        "rep_id": "id?",  # empty: no rep credited (counts to the region total only)
    },
    "reps": {"rep_id": "id", "name": "text", "region": "str", "hire_date": "date?"},
    "targets": {
        "period": "str",
        "region": "str",
        "rep_id": "id?",
        "target_amount": "num",
        "metric": "str?",  # empty or no such column: revenue (TARGET_METRICS below)
    },
    "surveys": {
        "response_id": "id",
        "customer_id": "id",
        "survey_date": "date",
        "nps": "num?",
        "csat": "num?",
        "ces": "num?",
        "q_product_quality": "num?",
        "q_service_level": "num?",
        "q_after_sales": "num?",
        "comment": "text",
    },
    "complaints": {
        "complaint_id": "id",
        "customer_id": "id",
        "opened_date": "date",
        "category": "str",
        "severity": "str",
        "resolved_date": "date?",
    },
}
ID_COLUMN = {
    "customers": "customer_id",
    "orders": "order_id",
    "reps": "rep_id",
    "surveys": "response_id",
    "complaints": "complaint_id",
}
DATE_COLUMN = {
    "orders": "order_date",
    "surveys": "survey_date",
    "complaints": "opened_date",
    "customers": "signup_date",
}
#: Columns a source may lack: filled with this value (``targets.metric``: revenue targets).
OPTIONAL_COLUMNS: dict[str, dict[str, str]] = {"targets": {"metric": "revenue"}}
REJECTED_COLUMNS = ["table", "file", "row", "column", "value", "reason", "record"]


# ---------------------------------------------------------------- pandera schemas
# Range checks, run lazily on typed rows so every failure is collected at once. Each
# column's check maps to one quarantine reason (RANGE_REASON); see range_schema.

#: Valid (min, max) whole-number range of every survey score column: the one definition
#: (the schema below and :data:`salesmeasure.survey.scores.SCALES` both read it).
SURVEY_SCALES: dict[str, tuple[int, int]] = {
    "nps": (0, 10),
    "csat": (1, 5),
    "ces": (1, 7),
    "q_product_quality": (1, 5),
    "q_service_level": (1, 5),
    "q_after_sales": (1, 5),
}


def _levels(column: str) -> list[int]:
    lo, hi = SURVEY_SCALES[column]
    return list(range(lo, hi + 1))


@functools.cache
def range_schema(table: str):
    """The pandera schema of ``table``'s range checks (``None`` for a table without any),
    built at its first use: pandera's import is 0.25 s that a notebook kernel reading a
    batch's snapshot (data already checked) never needs (issue 23).

    DataFrameSchema objects, not DataFrameModel classes: building a model's schema asks
    pandera.typing for every index type it knows, which imports dask.dataframe when dask
    is installed (it is, for --scheduler): 0.5-0.7 s of every command that reads data.
    """
    import pandera.pandas as pa

    if table == "orders":
        columns = {
            "amount": pa.Column(float, pa.Check.ge(0), nullable=False),
            "quantity": pa.Column(float, pa.Check.ge(1), nullable=False),
        }
    elif table == "surveys":
        columns = {
            col: pa.Column(float, pa.Check.isin(_levels(col)), nullable=True)
            for col in SURVEY_SCALES
        }
    elif table == "targets":
        columns = {"target_amount": pa.Column(float, pa.Check.ge(0), nullable=False)}
    else:
        return None
    return pa.DataFrameSchema(columns, strict=False)


RANGE_REASON = {
    ("orders", "amount"): "negative amount",
    ("orders", "quantity"): "quantity below 1",
    ("targets", "target_amount"): "negative target",
}
RANGE_REASON_DEFAULT = {"surveys": "score out of range"}


# ------------------------------------------------------------ target metrics
#: The KPIs a target row may be set on (``targets.metric``; empty = revenue).
TARGET_METRICS = (
    "revenue", "nps", "csat", "ces", "retention", "complaint_rate", "new_customers", "clv",
)  # fmt: skip


def target_metrics(metric: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """``targets.metric`` in its canonical form, and where it names no known metric.

    Returns the column lower-cased and trimmed with blanks read as ``"revenue"``, and a
    boolean array true for rows whose metric is none of :data:`TARGET_METRICS` (the
    loader quarantines them with the reason "unknown metric").
    """
    s = metric.astype("string").str.strip().str.lower().fillna("").replace("", "revenue")
    return s.astype("str"), ~s.isin(TARGET_METRICS).to_numpy(dtype=bool)
