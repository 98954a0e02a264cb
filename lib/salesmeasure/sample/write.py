"""Writing a simulated data set (CSV or Parquet plus ``generator.json``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from salesmeasure.sample.params import (
    AS_OF,
)
from salesmeasure.sample.simulate import simulate


def write(tables: dict[str, pd.DataFrame], truth: dict, out_dir, *, fmt: str = "csv") -> Path:
    """Write tables (CSV or Parquet) and ``generator.json`` to ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if fmt not in {"csv", "parquet"}:
        raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
    for other in ("csv", "parquet"):
        for name in tables:
            stale = out / f"{name}.{other}"
            if other != fmt and stale.exists():
                stale.unlink()
    for name, df in tables.items():
        df = df.copy()
        for col in df.columns:
            if fmt == "parquet" and pd.api.types.is_datetime64_any_dtype(df[col]):
                continue  # typed dates in Parquet
            if col.endswith("_date") and pd.api.types.is_datetime64_any_dtype(df[col]):
                df[col] = df[col].dt.strftime("%Y-%m-%d")
            elif col.endswith("_date"):
                df[col] = df[col].map(
                    lambda v: v.strftime("%Y-%m-%d") if isinstance(v, pd.Timestamp) else v
                )
        if fmt == "csv":
            df.to_csv(out / f"{name}.csv", index=False, float_format="%.10g")
        else:
            for col in df.columns:
                if df[col].dtype == object:
                    df[col] = df[col].astype(str).where(df[col].notna(), None)
            df.to_parquet(out / f"{name}.parquet", index=False)
    (out / "generator.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return out


def generate(
    out_dir,
    seed: int = 42,
    customers: int = 4000,
    *,
    fmt: str = "csv",
    as_of: str | pd.Timestamp = AS_OF,
    defects: bool = True,
    lang: str = "en",
) -> dict:
    """Simulate and write a data set; returns the planted truths. ``lang``: language of
    the sample (``"en"``, or ``"zh-CN"``: Chinese names, categories and comments)."""
    tables, truth = simulate(seed, customers, as_of=as_of, defects=defects, lang=lang)
    write(tables, truth, out_dir, fmt=fmt)
    return truth
