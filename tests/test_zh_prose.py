"""Chinese set as Chinese is (issue 20): every zh_CN msgstr and the text of the rendered
Chinese default pack use full-width punctuation inside Chinese (，。：；？！（）), no
space between a Chinese character and a full-width mark, no space between Chinese and a
number, a placeholder or a Latin word (``0.924次``, ``2026年第四季度建议销售目标``: the
suite's rule, as Chinese business typesetting does it), and keep every placeholder of the
English message."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from babel.messages.pofile import read_po

from salesmeasure import format as fmt
from salesmeasure.i18n import catalog_path, language

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
#: Full-width and CJK punctuation (，。：；？！（）、“”《》…—).
FULL = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201f\u2026\u2014"
#: What may hold half-width marks next to Chinese: code, placeholders, URLs, link targets,
#: HTML tags, %-style placeholders, a model's notation and formulas.
_PROTECTED = re.compile(
    r"`[^`]*`|\{[^{}]*\}|https?://\S+|\]\([^)]*\)|<[^>]*>|%\([a-z_]+\)[sd]"
    r"|ETS\([A-Za-z,]*\)|P\(attain\)|p\(1 - p\)"  # model notation (ETS(A,Ad,A)), formulas
)
_RULES = {
    "half-width mark beside Chinese": re.compile(f"(?<=[{HAN}])[,;:?!()]|[,;:?!()](?=[{HAN}])"),
    "space beside a full-width mark": re.compile(
        f"(?<=[{HAN}]) +(?=[{FULL}])|(?<=[{FULL}]) +(?=[{HAN}{FULL}])"
    ),
    "space between Chinese and a number, placeholder or Latin word": re.compile(
        f"(?<=[{HAN}]) +(?=[0-9A-Za-z%\x00])|(?<=[0-9A-Za-z%\x00]) +(?=[{HAN}])"
    ),
    "space between two Chinese characters": re.compile(f"(?<=[{HAN}]) +(?=[{HAN}])"),
}
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def problems(text: str) -> list[str]:
    """Each breach of the rules in ``text``, with a few characters around it."""
    masked = _PROTECTED.sub(lambda m: "\x00" * len(m.group()), text)
    out = []
    for rule, rx in _RULES.items():
        for hit in rx.finditer(masked):
            out.append(f"{rule}: {text[max(0, hit.start() - 8) : hit.end() + 8]!r}")
    return out


def test_the_checker_finds_what_it_should():
    assert problems("哪些客户仍然活跃?") and problems("客户(大客户)") and problems("共 3 位")
    assert problems("0.924 次") and problems("2026年第四季度 建议销售目标")
    assert problems("达成率 ，") and problems("。 下期")
    assert not problems("哪些客户仍然活跃？共{n}位（{share}）。见`salesmeasure.toml`的`[labels]`")
    assert not problems("详见[报告](01_target_setting.html#a)：p = 0.05")
    assert not problems("## 标题\n\n- 要点：达成率119%\n1. 第一")


def _messages():
    with catalog_path("zh-CN").open("rb") as fh:
        cat = read_po(fh, locale="zh_CN")
    for m in cat:
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strs = m.string if isinstance(m.string, tuple) else (m.string,)
        yield ids, strs


def test_every_msgstr_sets_chinese_punctuation_and_spacing():
    bad = [
        f"{ids[0][:50]!r} -> {p}" for ids, strs in _messages() for s in strs for p in problems(s)
    ]
    assert not bad, f"{len(bad)} breaches:\n" + "\n".join(bad[:40])


def test_every_msgstr_keeps_the_placeholders_of_its_msgid():
    bad = []
    for ids, strs in _messages():
        want = Counter(_PLACEHOLDER.findall(ids[0]))
        for s in strs:
            got = Counter(_PLACEHOLDER.findall(s))
            # a plural's singular may say the number in words; every other one keeps all
            if got != want and not (
                len(ids) > 1 and set(got) <= set(want | Counter(_PLACEHOLDER.findall(ids[-1])))
            ):
                bad.append(f"{ids[0][:60]!r}: {dict(want)} vs {dict(got)}")
    assert not bad, "\n".join(bad)


def test_prose_sets_generated_chinese_text():
    with language("zh-CN"):
        assert (
            fmt.prose("优先致电：蓝海科技 (王安娜)、B公司 (R01)。")
            == "优先致电：蓝海科技（王安娜）、B公司（R01）。"
        )
        assert fmt.prose("中型客户 26%；华西 27%，NPS 为 +5") == "中型客户26%；华西27%，NPS为+5"
        assert fmt.prose("见[华北](../华北/01.html)") == "见[华北](../华北/01.html)"
    assert fmt.prose("Call first: Blue Ltd (R01).") == "Call first: Blue Ltd (R01)."


# ------------------------------------------------------------ the rendered pack

REPORTS = (
    "00_executive_summary",
    "01_target_setting",
    "02_satisfaction_survey",
    "03_retention_clv",
)


def visible_texts(path) -> list[str]:
    """The text nodes a reader sees (not scripts, styles, code or customers' quotes)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style", "code", "pre", "q", "svg"]):
        tag.decompose()
    return [s.strip() for s in soup.find_all(string=True) if s.strip()]


@pytest.mark.slow
@pytest.mark.parametrize("region", ["all", "North"])
@pytest.mark.parametrize("name", REPORTS)
def test_the_rendered_chinese_pack_sets_chinese_punctuation_and_spacing(default_pack, name, region):
    from packs import report

    path = report(default_pack, name, region, "zh-CN")
    bad = [p for text in visible_texts(path) for p in problems(text)]
    assert not bad, f"{path.name} ({region}): {len(bad)} breaches:\n" + "\n".join(bad[:30])
