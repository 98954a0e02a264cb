"""Currency of amounts (issue 20): ``currency = "CNY"`` in salesmeasure.toml or the
``currency`` parameter formats amounts in the language's currency format through Babel
(¥215.5万 / CN¥2.15M; $2.15M) and names chart axes with it; p-values and "not applicable"
read as a report should."""

from __future__ import annotations

import pytest

from salesmeasure import format as fmt
from salesmeasure.config import parse
from salesmeasure.errors import DataError
from salesmeasure.i18n import language


@pytest.fixture(autouse=True)
def _no_currency():
    yield
    fmt.set_currency(None)


@pytest.mark.parametrize(
    ("code", "lang", "short", "full"),
    [
        ("CNY", "zh-CN", "¥215.5万", "¥2,501,031"),
        ("CNY", "en", "CN¥2.15M", "CN¥2,501,031"),
        ("USD", "en", "$2.15M", "$2,501,031"),
        ("usd", "zh-CN", "US$215.5万", "US$2,501,031"),
    ],
)
def test_amounts_in_the_languages_currency_format(code, lang, short, full):
    fmt.set_currency(code)
    with language(lang):
        assert fmt.money(2_154_600) == short
        assert fmt.money_full(2_501_031) == full
        assert fmt.money(-2_154_600) == "-" + short


def test_without_a_currency_amounts_stay_plain_and_axes_say_currency_units():
    with language("en"):
        assert fmt.money(2_154_600) == "2.15M"
        assert fmt.currency_unit() == "currency units"
    with language("zh-CN"):
        assert fmt.money(2_154_600) == "215.46万"
        assert fmt.currency_unit() == "货币单位"


def test_axes_are_named_with_the_currency():
    fmt.set_currency("CNY")
    with language("en"):
        assert fmt.currency_unit() == "CNY"
    with language("zh-CN"):
        assert fmt.currency_unit() == "人民币"


def test_a_bad_code_is_named():
    with pytest.raises(ValueError, match="'RMB' is not an ISO 4217"):
        fmt.set_currency("RMB")
    with pytest.raises(DataError, match="currency.*ISO 4217.*'yuan'"):
        parse({"currency": "yuan"})
    assert parse({"currency": "cny"}).currency == "CNY"
    assert parse({}).currency is None
    assert parse({}).fingerprint != parse({"currency": "CNY"}).fingerprint


def test_pvalues_and_not_applicable():
    with language("en"):
        assert fmt.pvalue(0.0001) == "p < 0.001"
        assert fmt.pvalue(0.0324) == "p = 0.032"
    with language("zh-CN"):
        assert fmt.pvalue(0.0) == "p < 0.001"
        assert fmt.not_applicable() == "—"


@pytest.mark.parametrize(("lang", "unit"), [("en", "CNY"), ("zh-CN", "人民币")])
def test_a_charts_amount_axis_is_named_with_the_currency(lang, unit):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from salesmeasure import plots

    fmt.set_currency("CNY")
    with language(lang):
        ax = plots.plot_clv_distribution(pd.DataFrame({"clv": [5.0, 50.0, 500.0, 5000.0]}))
        assert unit in ax.get_xlabel()
        assert "currency units" not in ax.get_xlabel() and "货币单位" not in ax.get_xlabel()
        ax = plots.plot_value_at_risk(
            pd.DataFrame({"region": ["North"], "clv": [1e6], "value_at_risk": [2e5]}),
            group="region",
        )
        assert unit in ax.get_ylabel()
    plt.close("all")
