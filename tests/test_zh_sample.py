"""The Chinese sample (issue 20): ``salesmeasure sample-data --lang zh-CN`` writes the
English sample's draws with Chinese names, regions, segments, channels, product lines,
complaint categories and comments; its planted truths hold; the English sample stays byte
for byte as committed; and the Chinese pack rendered from it by the real command reads
without a Latin word outside a short allow-list."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesmeasure import sample
from salesmeasure.data import load
from salesmeasure.sample import zh

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).parent / "salesmeasure")
HAN = re.compile(r"[\u4e00-\u9fff]")
FILES = ("customers", "orders", "reps", "targets", "surveys", "complaints")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def zh_sample(tmp_path_factory) -> Path:
    """The Chinese sample, written by the real command into a folder with a Chinese name."""
    out = tmp_path_factory.mktemp("zh") / "示例数据"
    run = subprocess.run(
        [EXE, "sample-data", "--lang", "zh-CN", "--out", str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    return out


def test_the_default_command_still_writes_the_committed_english_sample(tmp_path):
    out = tmp_path / "en"
    run = subprocess.run([EXE, "sample-data", "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    committed = ROOT / "data" / "sample"
    for name in [*(f"{t}.csv" for t in FILES), "generator.json"]:
        assert sha(out / name) == sha(committed / name), name


def test_chinese_values_are_the_english_draws_under_chinese_names():
    en, _ = sample.simulate(seed=3, customers=300)
    cn, truth = sample.simulate(seed=3, customers=300, lang="zh-CN")
    for table, cols in zh.COLUMNS.items():
        for col, kind in cols.items():
            back = cn[table][col].map(lambda v, k=kind: zh.english(v, k))
            pd.testing.assert_series_equal(back, en[table][col], check_names=False)
            values = set(cn[table][col].dropna())
            assert values and all(HAN.search(v) for v in values), (table, col, values)
    assert set(cn["customers"]["region"]) == {"华北", "华南", "华东", "华西", "华中"}
    assert set(cn["customers"]["segment"]) == {"大客户", "中型客户", "小微客户"}
    assert set(cn["orders"]["product_line"]) == {"硬件", "软件", "服务"}
    # names: Chinese, one per English name (the same draws), reps surname first
    assert cn["reps"]["name"].iloc[0] == "王安娜" and en["reps"]["name"].iloc[0] == "Anna Adler"
    assert cn["reps"]["name"].is_unique
    names = cn["customers"]["name"]
    assert names.map(lambda s: bool(re.fullmatch(r"[\u4e00-\u9fff]+", s))).mean() > 0.99
    assert (names == zh.ESCAPE_NAME).sum() == 1  # the one name that must be escaped in HTML
    pairs = pd.DataFrame({"en": en["customers"]["name"], "zh": names})
    assert pairs.drop_duplicates()["en"].is_unique  # the same English name, the same Chinese
    # everything else identical
    for table in en:
        same = [
            c for c in en[table].columns if c not in {"comment", "name", *zh.COLUMNS.get(table, {})}
        ]
        pd.testing.assert_frame_equal(en[table][same], cn[table][same])
    # comments Chinese (one in twenty ends with an English remark, as real exports do)
    comments = cn["surveys"]["comment"][cn["surveys"]["comment"] != ""]
    assert comments.map(lambda s: bool(HAN.search(s))).all()
    # the truths name the data's values
    assert truth["regions"] == ["华北", "华南", "华东", "华西", "华中"]
    assert truth["driver_weights"]["华北"] == sample.DRIVER_WEIGHTS["North"]
    assert truth["segment_spend"] == {"小微客户": 0.6, "中型客户": 1.0, "大客户": 2.4}
    assert truth["list_price_2023"]["硬件"] == 240.0


def test_an_unknown_sample_language_is_refused():
    with pytest.raises(ValueError, match="'en' or 'zh-CN'"):
        sample.simulate(seed=3, customers=60, lang="fr")


def test_the_planted_truths_hold_for_the_chinese_sample(zh_sample):
    truth = json.loads((zh_sample / "generator.json").read_text(encoding="utf-8"))
    ds = load(zh_sample)
    cust = ds.customers
    assert sorted(truth["regions"]) == ds.regions
    # region shares of the customers: 4,000 multinomial draws within 4 standard errors
    share = cust["region"].value_counts(normalize=True)
    total = sum(truth["region_share"].values())
    for region, s in truth["region_share"].items():
        p = s / total
        assert abs(share[region] - p) < 4 * np.sqrt(p * (1 - p) / len(cust)), region
    # spend per order rises with the planted segment multiplier (小微 0.6 < 中型 1.0 < 大客户 2.4)
    orders = ds.orders.merge(cust[["customer_id", "segment"]], on="customer_id")
    mean = orders.groupby("segment")["amount"].mean()
    order = sorted(truth["segment_spend"], key=truth["segment_spend"].get)
    assert list(mean.loc[order]) == sorted(mean.loc[order])
    # the counts written are the counts planted (before the injected defects)
    c = truth["counts"]
    assert len(cust) == c["customers"]
    assert truth["injected_defects"]["orders"]["negative amount"] == 3
    # each region's target history: every region has targets, under its Chinese name
    assert set(ds.targets["region"]) == set(truth["regions"])


# ------------------------------------------------------- the Chinese pack from it

#: Latin words a Chinese manager's page may carry: the survey and value measures'
#: abbreviations, SMART's letters, the statistical methods the glossary explains in
#: Chinese, the letters of statistical notation (p值, t区间, u控制图) and the time zone.
ALLOWED = {
    "NPS", "CSAT", "CES", "CLV", "KPI", "SMART", "S", "M", "A", "R", "T", "UTC",
    "ETS", "MAPE", "AIC", "BG", "NBD", "Pareto", "Gamma-Gamma", "Holm", "Wilson", "Wald",
    "Cronbach", "Feldt", "Johnson", "Spearman", "Mann-Whitney", "Kaplan-Meier", "Poisson",
    "Brier", "TF-IDF", "NMF", "jieba", "p", "t", "z", "u", "c",
}  # fmt: skip
#: IDs (R01, C0000001), a model's notation (ETS(A,Ad,A)), currency codes.
_NOT_WORDS = re.compile(r"\b[A-Z]{1,2}\d+\b|ETS\([A-Za-z,]*\)|\b(?:CNY|USD|EUR)\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
REPORTS = (
    "00_executive_summary",
    "01_target_setting",
    "02_satisfaction_survey",
    "03_retention_clv",
)


@pytest.fixture(scope="module")
def zh_pack(zh_sample, tmp_path_factory) -> Path:
    """The Chinese pack of the Chinese sample, rendered once by the real command (the
    consolidated reports and one region's, to keep the shared machine's load down)."""
    out = tmp_path_factory.mktemp("zhpack")
    run = subprocess.run(
        [EXE, "render", "--period", "2026Q3", "--regions", "all,华北", "--lang", "zh-CN",
         "--formats", "html", "--data", str(zh_sample), "--out", str(out)],
        capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return out


def reader_text(path: Path) -> str:
    """What a manager reads: not scripts, styles, code, customers' own words (``<q>``) nor
    the provenance for analysts (the footer, and a provenance table: the one holding the
    data fingerprint)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style", "code", "pre", "q", "footer", "details", "svg"]):
        tag.decompose()
    for table in soup("table"):
        if "数据指纹" in table.get_text():
            table.decompose()
    return soup.get_text(" ")


@pytest.mark.slow
def test_the_chinese_pack_of_the_chinese_sample_has_no_latin_word(zh_pack):
    paths = sorted(zh_pack.rglob("0*.html"))
    assert {p.stem for p in paths} == set(REPORTS) and len(paths) == 2 * len(REPORTS)
    bad = {}
    for path in paths:
        text = reader_text(path)
        assert HAN.search(text)
        words = {w for w in _WORD.findall(_NOT_WORDS.sub(" ", text)) if w not in ALLOWED}
        if words:
            bad[f"{path.parent.name}/{path.name}"] = sorted(words)
    assert not bad, bad


@pytest.mark.slow
def test_the_chinese_pack_names_chinese_regions_segments_and_product_lines(zh_pack):
    text = " ".join(reader_text(p) for p in sorted(zh_pack.rglob("0*.html")))
    for word in ("华北", "华东", "大客户", "小微客户", "硬件", "软件"):
        assert word in text, word
