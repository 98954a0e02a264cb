"""Shared notebook plumbing: parameter checks, default data, formatting."""

import pytest

from salesmeasure import report
from salesmeasure.errors import ParameterError as ReportError
from salesmeasure.format import money, pct
from salesmeasure.report import prepare


def test_prepare_defaults_to_the_sample_and_slices(sample_dir):
    ctx = prepare(period="2026Q3", region="north", data_path="")
    assert ctx.data_path.resolve() == sample_dir.resolve()
    assert ctx.region == "North" and ctx.view.region == "North"
    assert ctx.period.label == "2026Q3" and ctx.period_complete
    assert ctx.view.orders["order_date"].max() <= ctx.period.end
    assert ctx.title_suffix == "North region, 2026Q3"


def test_prepare_env_var_names_the_default_data(monkeypatch, tmp_path, sample_dir):
    monkeypatch.setenv("SALESMEASURE_DATA", str(sample_dir))
    assert report.default_data_dir() == sample_dir


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period": "2026Q5"}, "parameter 'period'"),
        ({"period": "2030Q1"}, "after the data ends"),
        ({"period": "2026Q3", "region": "Mars"}, "parameter 'region'"),
        ({"period": "2026Q3", "data_path": "/no/such/dir"}, "parameter 'data_path'"),
        (
            {"period": "2026Q3", "attainability": 1.2},
            "'attainability' must be strictly between 0 and 1",
        ),
        ({"period": "2026Q3", "confidence": 0}, "'confidence'"),
        ({"period": "2026Q3", "clv_months": 0}, "'clv_months' must be a positive whole number"),
        ({"period": "2026Q3", "discount_rate": -0.1}, "'discount_rate' must be between 0 and 1"),
        ({"period": "2026Q3", "margin": "high"}, "'margin' must be a number"),
        ({"period": "2026Q3", "holdout_weeks": -1}, "'holdout_weeks' must be a whole number"),
        ({"period": "2026Q3", "holdout_weeks": 2.5}, "'holdout_weeks' must be a whole number"),
    ],
)
def test_bad_parameters_get_a_message_naming_them(kwargs, message):
    with pytest.raises(ReportError, match=message):
        prepare(**kwargs)


def test_money_and_pct_formatting():
    assert money(1_234_567) == "1.23M"
    assert money(45_600) == "45.6k"
    assert money(950) == "950"
    assert money(-2_500_000) == "-2.50M"  # the currency prefix had no user: dropped
    assert money(float("nan")) == "n/a"
    assert pct(0.1234) == "12.3%"
    assert pct(0.05, signed=True) == "+5.0%"


def test_quality_sentence_counts_the_quarantine(sample):
    s = report.quality_sentence(sample)
    assert s.startswith(f"{len(sample.rejected)} of ")
    assert "set aside" in s


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("01_target_setting.html", True),  # the executive summary's "See the target report"
        ("03_retention_clv.html#value", True),
        ("../other/01_target_setting.html", False),
        ("//evil.example/01_target_setting.html", False),
        ("javascript:alert(1)", False),
    ],
)
def test_rendered_reports_keep_links_to_sibling_reports_only(href, kept):
    from salesmeasure.render.export import sanitize_html

    out = sanitize_html(f'<a href="{href}">target report</a>')
    assert (f'href="{href}"' in out) is kept
