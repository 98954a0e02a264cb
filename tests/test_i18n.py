"""The report language: language switching, and the zh_CN catalog against the source.

The completeness test extracts every message from the current source with Babel's own
extractor (the same mapping, ``babel.cfg``, and keywords as ``make messages``) and fails
listing each English message that has no Chinese entry, or only a fuzzy one, in the .po.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

from salesmeasure import i18n
from salesmeasure.errors import ParameterError
from salesmeasure.i18n import N_, _, get_language, language, ngettext, set_language

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "lib" / "salesmeasure" / "locale" / "zh_CN" / "LC_MESSAGES" / "salesmeasure.po"
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


@pytest.fixture(autouse=True)
def _english_after_each_test():
    yield
    set_language("en")


@pytest.mark.parametrize(
    "given, key",
    [("en", "en"), ("EN", "en"), ("zh-CN", "zh-CN"), ("zh_CN", "zh-CN"), ("zh-cn", "zh-CN")],
)
def test_language_names_are_normalised(given, key):
    assert set_language(given) == key
    assert get_language() == key
    assert i18n.babel_locale() == key.replace("-", "_")


@pytest.mark.parametrize("bad", ["fr", "", None, 3, "zh"])
def test_an_unknown_language_names_the_parameter(bad):
    with pytest.raises(ParameterError, match="parameter 'lang'"):
        set_language(bad)


def test_language_block_restores_the_previous_language():
    set_language("en")
    with language("zh-CN"):
        assert get_language() == "zh-CN"
        with language("en"):
            assert _("On track") == "On track"
        assert _("On track") == "正常"
    assert get_language() == "en"
    assert _("On track") == "On track"


def test_english_is_the_source_and_needs_no_catalog():
    assert _("a sentence no catalog has") == "a sentence no catalog has"
    assert ngettext("{n} rep", "{n} reps", 1) == "{n} rep"
    assert ngettext("{n} rep", "{n} reps", 2) == "{n} reps"
    assert N_("Watch") == "Watch"


def test_chinese_catalog_is_compiled_from_the_po():
    with language("zh-CN"):
        assert _("Action needed") == "需改进"
        assert _("a sentence no catalog has") == "a sentence no catalog has"


# ----------------------------------------------------------------- the catalog itself
def _catalog():
    with PO.open("rb") as fh:
        return read_po(fh, locale="zh_CN", domain=i18n.DOMAIN)


def _extracted() -> dict:
    """msgid (or (context, msgid)) -> first location, from the current source."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(ROOT / "babel.cfg"))
    keywords = parse_keywords(list(i18n.KEYWORDS))
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords, strip_comment_tags=True
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault((context, msgid), f"{filename}:{lineno}")
    return found


def test_makefile_extracts_with_the_same_keywords():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = next(x for x in makefile.splitlines() if x.startswith("KEYWORDS"))
    assert re.findall(r"-k (\S+)", line) == list(i18n.KEYWORDS)


def test_every_english_message_has_a_chinese_entry():
    cat = _catalog()
    missing = []
    for (context, msgid), where in sorted(_extracted().items(), key=lambda kv: kv[1]):
        m = cat.get(msgid, context=context)
        text = None if m is None else (m.string if isinstance(m.string, str) else m.string[0])
        if m is None or not text or m.fuzzy:
            state = "absent" if m is None else ("fuzzy" if m.fuzzy and text else "untranslated")
            missing.append(f"{where}: {state}: {msgid!r}")
    assert not missing, (
        f"{len(missing)} English message(s) without a Chinese translation in {PO.name} "
        "(run `make messages`, then translate):\n" + "\n".join(missing)
    )


#: One Chinese word per idea: (English pattern, the word every translation of it uses,
#: words it must not use). Page one said "{n}项关键指标中{good}项达标" over cards whose
#: badges read 正常, and the scorecard "关键绩效指标": three words for two things.
_ONE_WORD = [
    (r"\bon track\b", "正常", ("达标",)),
    (r"\bKPIs?\b", "指标", ("关键绩效指标", "KPI")),
]


@pytest.mark.parametrize(("pattern", "word", "not_words"), _ONE_WORD)
def test_chinese_says_one_word_for_each_term(pattern, word, not_words):
    bad = []
    for m in _catalog():
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strs = [m.string] if isinstance(m.string, str) else list(m.string)
        for i, s in enumerate(strs):
            english = ids[min(i, len(ids) - 1)]
            if s and re.search(pattern, PLACEHOLDER.sub("", english), re.I):
                if word not in s or any(w in s for w in not_words):
                    bad.append(f"{english!r}: {s!r}")
    assert not bad, f"say {word!r} (never {not_words}):\n" + "\n".join(bad)
    with language("zh-CN"):
        assert _("On track") == "正常"  # the cards' badge, which the counts refer to


def test_translations_keep_every_placeholder():
    bad = []
    for m in _catalog():
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strs = [m.string] if isinstance(m.string, str) else list(m.string)
        want = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for s in strs:
            if s and set(PLACEHOLDER.findall(s)) != want:
                bad.append(f"{ids[0]!r}: {s!r}")
    assert not bad, "translations that lose or invent a placeholder:\n" + "\n".join(bad)


def test_the_po_files_ship_with_the_package():
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = conf["tool"]["setuptools"]["package-data"]["salesmeasure"]
    pkg = ROOT / "lib" / "salesmeasure"
    shipped = {p for pat in patterns for p in pkg.glob(pat)}
    assert PO in shipped
    assert i18n.catalog_path("zh-CN") == PO


# ----------------------------------------------------------------- notebooks
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_takes_the_language_and_passes_it_to_prepare(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert re.search(r'^lang: str = "en"  # report language', params.source, re.M)
    prepare = next(c.source for c in nb.cells if "report.prepare(" in c.source)
    assert "lang=lang" in prepare


def test_notebook_markdown_is_translated_paragraph_by_paragraph():
    md = "## Headline\n\nThe line is the median.\n\n```\ncode\n```"
    assert i18n.translate_markdown(md) == md  # English: unchanged
    with language("zh-CN"):
        assert i18n.translate_markdown("# Executive summary") == "# 管理层摘要"
        out = i18n.translate_markdown("## Scorecard\n\nunknown paragraph\n\n```\ncode\n```")
        assert out == "## 关键指标一览\n\nunknown paragraph\n\n```\ncode\n```"


# ----------------------------------------------------------------- words shown at display
def test_an_interval_is_worded_in_the_report_language():
    from salesmeasure.stats import Estimate

    e = Estimate(0.55, 0.45, 0.64, n=100, method="wilson")
    assert e.format("{:.0%}") == "55% (45% to 64%)"
    with language("zh-CN"):
        assert e.format("{:.0%}") == "55%（45%至64%）"
        assert Estimate(float("nan"), 0, 1, n=0, method="x").format() == _("n/a") != "n/a"


def test_quarantine_reasons_and_tables_are_translated_only_where_shown():
    from salesmeasure.report import QUALITY_REASONS, reason_words, table_words

    assert reason_words("negative amount") == "negative amount"
    assert table_words("reps") == "reps"
    with language("zh-CN"):
        assert reason_words("negative amount") == "金额为负"
        assert table_words("orders") == "订单表"
        assert reason_words("amount far above the data's range (over 1,234,567)") == (
            "金额远超数据的正常范围（超过1,234,567）"
        )
        assert all(reason_words(r) != r for r in QUALITY_REASONS)
        assert reason_words("a reason from a newer data package") == (
            "a reason from a newer data package"
        )


def test_every_quarantine_reason_of_the_data_package_has_words():
    """Each literal reason the data package quarantines with is in report.QUALITY_REASONS
    (or matches one of its patterns), so no reason reaches a Chinese report in English."""
    import ast

    from salesmeasure.data.schemas import RANGE_REASON, RANGE_REASON_DEFAULT
    from salesmeasure.report import QUALITY_REASON_PATTERNS, QUALITY_REASONS

    literal = {*RANGE_REASON.values(), *RANGE_REASON_DEFAULT.values(), "invalid value"}
    src = ""
    for path in (ROOT / "lib/salesmeasure/data").glob("*.py"):
        text = path.read_text("utf-8")
        src += text
        for node in ast.walk(ast.parse(text)):
            # q.add(mask, column, "reason") and the ("orders", "order_date", "...") loop
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add":
                args = node.args[2:3]
            elif (
                isinstance(node, ast.Tuple)
                and len(node.elts) == 3
                and all(isinstance(e, ast.Constant) for e in node.elts)
                and str(node.elts[1].value).endswith("_date")
            ):
                args = node.elts[2:]
            else:
                continue
            literal |= {a.value for a in args if isinstance(a, ast.Constant)}
    literal = {r for r in literal if isinstance(r, str)}
    assert {"negative amount", "duplicate id", "order before signup", "unknown rep"} <= literal
    unknown = {r for r in literal if r not in QUALITY_REASONS}
    assert not unknown
    assert len(QUALITY_REASON_PATTERNS) == src.count('f"amount ')


def test_parameter_labels_come_from_the_notebooks_help_comments():
    assert i18n.parameter_label("CLV horizon in months") == "CLV horizon in months"
    assert i18n.parameter_label("monthly discount rate for CLV (0-1)") == (
        "Monthly discount rate for CLV"
    )
    assert i18n.parameter_label(None) == ""
    messages = {
        msg
        for path in NOTEBOOKS
        for _n, _f, msg, _c in i18n.extract_notebook(path.open("rb"), None, None, None)
    }
    assert {"CLV horizon in months", "Allocation method", "Report language"} <= messages


def test_bold_in_chinese_translations_closes_before_its_punctuation():
    """CommonMark does not close ``**`` after punctuation when a letter follows
    (``**下期展望。**2026年…`` shows the asterisks), so the punctuation goes outside."""
    bad = []
    for m in _catalog():
        for s in [m.string] if isinstance(m.string, str) else list(m.string):
            for k, pos in enumerate(x.start() for x in re.finditer(r"\*\*", s or "")):
                prev, nxt = s[pos - 1 : pos], s[pos + 2 : pos + 3]
                if k % 2 and prev in "。，；：！？、）" and nxt and not nxt.isspace():
                    bad.append(s[:40])
    assert not bad


def test_the_report_header_shows_parameters_by_their_translated_labels():
    import nbformat

    from salesmeasure.render.options import parameter_rows

    nb = nbformat.read(ROOT / "notebooks" / "01_target_setting.ipynb", as_version=4)
    params = {"period": "2026Q3", "attainability": 0.8, "method": "share", "x_flag": True}
    assert parameter_rows(nb, params) == [
        ("Probability that a proposed target is met", "0.8"),
        ("Allocation method", "share"),
        ("X flag", "yes"),
    ]
    with language("zh-CN"):
        assert parameter_rows(nb, params) == [
            ("建议销售目标的达成概率", "0.8"),
            (_("Allocation method"), "share"),
            ("X flag", "是"),
        ]


def test_the_formula_and_currency_reasons_read_in_chinese():
    """The two reasons data.coerce writes outside q.add literals (a constant and an
    f-string) have words in both languages."""
    from salesmeasure.data.coerce import FORMULA_REASON
    from salesmeasure.i18n import set_language
    from salesmeasure.report import reason_words

    set_language("zh-CN")
    try:
        assert (
            reason_words(FORMULA_REASON)
            == "公式单元格没有保存的计算结果（请在Excel中打开并保存该文件）"
        )
        assert reason_words("amount in another currency (the column is in USD)") == (
            "金额为另一种货币（该列的货币为USD）"
        )
    finally:
        set_language("en")
    assert reason_words("amount in another currency (the column is in EUR)") == (
        "amount in another currency (the column is in EUR)"
    )
