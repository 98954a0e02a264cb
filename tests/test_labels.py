"""Category values in the reader's language (issue 20): ``[labels.<lang>]`` in
salesmeasure.toml and :func:`salesmeasure.format.label`, applied to what ``report.show``
displays (a sentence, a table, a chart's tick labels), in both languages; the data keep
their values; a bad ``[labels]`` table is refused with an error naming the key."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from salesmeasure import config as sm_config
from salesmeasure import format as fmt
from salesmeasure import i18n, report
from salesmeasure.data import DataError


@pytest.fixture(autouse=True)
def _reset():
    yield
    fmt.set_labels(None)
    i18n.set_language("en")


def shown(monkeypatch, result, *renderers) -> list:
    """What ``report.show`` hands to IPython's display, in order."""
    import IPython.display

    out = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: out.append(obj))
    report.show(result, *renderers)
    return out


def complaints_table() -> pd.DataFrame:
    """Four complaints by category (3 Product defect, 1 from a category without a name)."""
    from salesmeasure.survey.complaints import complaint_metrics

    c = pd.DataFrame(
        {
            "complaint_id": ["K1", "K2", "K3", "K4"],
            "customer_id": ["C1", "C2", "C3", "C4"],
            "opened_date": pd.to_datetime(["2026-07-02", "2026-07-10", "2026-08-01", "2026-08-03"]),
            "category": ["Product defect", "Product defect", "Product defect", "Atlantis"],
            "severity": ["High", "Low", "Low", "Low"],
            "resolved_date": pd.to_datetime(["2026-07-05", "2026-07-20", None, "2026-08-04"]),
        }
    )
    return complaint_metrics(c, 40, as_of=pd.Timestamp("2026-09-30"))


# ------------------------------------------------------------------ the function


def test_builtin_chinese_names_and_english_as_is():
    i18n.set_language("zh-CN")
    assert fmt.label("region", "North") == "华北"
    assert fmt.label("segment", "Mid-Market") == "中型客户"
    assert fmt.label("product_line", "Services") == "服务"
    assert fmt.label("category", "Product defect") == "产品缺陷"
    assert fmt.label("region", "Atlantis") == "Atlantis"  # no name: shown as it is
    assert fmt.label("region", None) == fmt.missing()
    i18n.set_language("en")
    assert fmt.label("region", "North") == "North"
    assert fmt.label("segment", "SMB") == "SMB"
    with pytest.raises(ValueError, match="unknown label kind 'colour'"):
        fmt.label("colour", "North")


def test_toml_names_override_the_builtin_ones_per_language():
    cfg = sm_config.parse(
        {
            "labels": {
                "zh-CN": {"region": {"North": "北方大区"}},
                "en": {"segment": {"SMB": "Small business"}},
            }
        }
    )
    assert dict(cfg.labels["zh-CN"]["region"]) == {"North": "北方大区"}
    fmt.set_labels(cfg.labels)
    i18n.set_language("zh-CN")
    assert fmt.label("region", "North") == "北方大区"
    assert fmt.label("region", "South") == "华南"  # the built-in name where none is set
    assert fmt.label("segment", "SMB") == "小微客户"
    i18n.set_language("en")
    assert fmt.label("segment", "SMB") == "Small business"
    assert fmt.label("region", "North") == "North"


def test_text_replaces_whole_values_only():
    i18n.set_language("zh-CN")
    assert (
        fmt.label_text("North区域；最多的类别是Product defect。")
        == "华北区域；最多的类别是产品缺陷。"
    )
    assert fmt.label_text("Enterprise / Mid-Market / SMB") == "大客户 / 中型客户 / 小微客户"
    assert fmt.label_text("Northern Anna Adler (North)") == "Northern Anna Adler (华北)"
    assert fmt.label_text("SMBs Market") == "SMBs Market"
    # a value inside a longer proper name (the English sample's customers) stays
    assert fmt.label_text("优先致电：North Textiles & Co、Blue North Ltd") == (
        "优先致电：North Textiles & Co、Blue North Ltd"
    )
    i18n.set_language("en")
    assert fmt.label_text("North区域 Product defect") == "North区域 Product defect"


def test_a_table_names_whole_cells_and_values_inside_cells_but_not_proper_names():
    i18n.set_language("zh-CN")
    df = pd.DataFrame(
        {"segment": ["SMB", "Atlantis"], "said most by": ["Mid-Market 26%", "North Labs Inc"]},
        index=pd.Index(["North", "South"], name="region"),
    )
    out = fmt.label_frame(df)
    assert out.to_dict("list") == {
        "segment": ["小微客户", "Atlantis"],
        "said most by": ["中型客户26%", "North Labs Inc"],
    }
    assert list(out.index) == ["华北", "华南"]
    assert list(df.index) == ["North", "South"] and df["segment"].iloc[0] == "SMB"  # unchanged


# ---------------------------------------------------------------- bad toml


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ({"zh_CN": {"region": {"North": "华北"}}}, r"unknown language \[labels.zh_CN\] \(did you mean 'zh-CN'\?\)"),
        ({"zh-CN": {"regions": {"North": "华北"}}}, r"unknown key 'regions' in \[labels.zh-CN\] \(did you mean 'region'\?\)"),
        ({"zh-CN": {"region": "华北"}}, r"\[labels.zh-CN\] region must be a table of data value"),
        ({"zh-CN": {"region": {"North": 3}}}, r"\[labels.zh-CN\] region.North must be a name in quotes, got 3"),
        ({"zh-CN": {"region": {"North": " "}}}, r"\[labels.zh-CN\] region.North must be a name"),
        ({"zh-CN": ["region"]}, r"\[labels.zh-CN\] must be a table"),
        ("华北", r"\[labels\] must be a table"),
    ],
)  # fmt: skip
def test_a_bad_labels_table_is_refused_naming_the_key(labels, message):
    with pytest.raises(DataError, match=message):
        sm_config.parse({"labels": labels})


def test_a_bad_labels_file_names_the_file_and_key(tmp_path):
    p = tmp_path / "salesmeasure.toml"
    p.write_text('[labels.zh-CN]\nsegmnt = { SMB = "小微客户" }\n', encoding="utf-8")
    with pytest.raises(
        DataError, match=r"salesmeasure.toml: unknown key 'segmnt' in \[labels.zh-CN\]"
    ):
        sm_config.read(p)


def test_labels_are_part_of_the_config_fingerprint_only_when_set():
    plain = sm_config.Config()
    named = sm_config.parse({"labels": {"zh-CN": {"region": {"North": "北方大区"}}}})
    assert sm_config.parse({}).fingerprint == plain.fingerprint
    assert named.fingerprint != plain.fingerprint


# ------------------------------------------- a sentence, a table and a chart (report.show)


def test_a_sentence_a_table_and_a_chart_show_the_names_in_chinese(monkeypatch):
    from salesmeasure import plots, survey

    i18n.set_language("zh-CN")
    table = complaints_table()
    text, styler, fig = shown(
        monkeypatch,
        table,
        survey.describe_complaints,
        survey.complaints_table,
        plots.plot_complaints,
    )
    sentence = text.data
    assert "最多的类别是产品缺陷（3起）" in sentence, sentence
    assert "Product defect" not in sentence
    html = styler.to_html()
    assert "产品缺陷" in html and "Product defect" not in html and "Atlantis" in html
    fig.canvas.draw()
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert any(t.startswith("产品缺陷\n") for t in ticks), ticks
    assert any(t.startswith("Atlantis\n") for t in ticks), ticks  # no name: as it is
    assert not any("Product defect" in t for t in ticks)
    # the data keep their values
    assert "Product defect" in table.index


def test_a_sentence_a_table_and_a_chart_keep_the_values_in_english(monkeypatch):
    from salesmeasure import plots, survey

    table = complaints_table()
    text, styler, fig = shown(
        monkeypatch,
        table,
        survey.describe_complaints,
        survey.complaints_table,
        plots.plot_complaints,
    )
    assert "The largest category is Product defect (3)" in text.data
    assert "Product defect" in styler.to_html()
    fig.canvas.draw()
    ax = fig.axes[0]
    assert any(t.get_text().startswith("Product defect\n") for t in ax.get_yticklabels())


def test_english_names_from_the_toml_reach_an_english_chart(monkeypatch):
    from salesmeasure import plots, survey

    fmt.set_labels({"en": {"category": {"Product defect": "Faulty product"}}})
    table = complaints_table()
    text, fig = shown(monkeypatch, table, survey.describe_complaints, plots.plot_complaints)
    assert "The largest category is Faulty product (3)" in text.data
    fig.canvas.draw()
    ax = fig.axes[0]
    assert any(t.get_text().startswith("Faulty product\n") for t in ax.get_yticklabels())


def test_prepare_reads_the_labels_of_the_data_toml_and_filters_keep_the_values(
    tmp_path, sample_dir
):
    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    (data / "salesmeasure.toml").write_text(
        '[labels.zh-CN]\nregion = { North = "北方大区" }\n', encoding="utf-8"
    )
    ctx = report.prepare(period="2026Q3", region="North", data_path=str(data), lang="zh-CN")
    assert ctx.region == "North"  # --regions North still selects by the data value
    assert fmt.label("region", "North") == "北方大区"
    assert fmt.label("region", "West") == "华西"
    assert set(ctx.view.customers["region"]) == {"North"}
    ctx = report.prepare(period="2026Q3", region="all", data_path=str(sample_dir), lang="zh-CN")
    assert fmt.label("region", "North") == "华北"  # another data folder, no toml: built-in
