"""Chinese reports render as glyphs: charts, PDFs, and the rendered pack in zh-CN.

Checked against the fonts themselves: matplotlib's "Glyph ... missing" warning for a chart
with CJK labels, and ``pdffonts`` (poppler) for the font a printed page embeds.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

from salesmeasure.i18n import language, set_language


@pytest.fixture(autouse=True)
def _english_after_each_test():
    yield
    set_language("en")


def _chart_warnings(tmp_path, lang: str) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from salesmeasure.plots.theme import get_ax

    with language(lang), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = get_ax()
        ax.bar(["产品质量", "服务水平", "售后支持"], [3.9, -4.1, 4.2])
        ax.set_title("客户满意度（CSAT）与净推荐值 NPS −5")
        ax.set_ylabel("销售额（万元）")
        ax.figure.savefig(tmp_path / f"chart-{lang}.png")
        plt.close(ax.figure)
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


def test_a_chinese_chart_has_no_missing_glyph(tmp_path):
    assert _chart_warnings(tmp_path, "zh-CN") == []
    assert (tmp_path / "chart-zh-CN.png").stat().st_size > 0


def test_chinese_charts_put_a_cjk_font_first_and_english_keep_theirs():
    import matplotlib.pyplot as plt

    from salesmeasure.plots.theme import set_theme

    with language("zh-CN"):
        set_theme()
        assert plt.rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"
    set_theme()
    assert "Noto Sans CJK SC" not in plt.rcParams["font.sans-serif"]


# ------------------------------------------------------------------ the rendered pack
TINY = """from IPython.display import Markdown, display

from salesmeasure import format as fmt
from salesmeasure import report
from salesmeasure.i18n import _
from salesmeasure.plots.theme import get_ax

ctx = report.prepare(period=period, region=region, data_path=data_path, lang=lang)
display(Markdown(_("On track") + " " + fmt.money(2_150_000) + " " + fmt.period(ctx.period)))
ax = get_ax()
ax.bar(["产品质量", "服务水平", "售后支持"], [3.9, 4.1, 4.2])
ax.set_title("客户满意度");
"""


@pytest.fixture(scope="module")
def tiny_pack(tmp_path_factory):
    """A one-cell report rendered by the real ``salesmeasure render --lang en,zh-CN``."""
    import nbformat

    from salesmeasure.render.pdf import find_chromium

    root = tmp_path_factory.mktemp("tiny")
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        'period: str = "2026Q3"  # period\nregion: str = "all"  # region\n'
        'data_path: str = ""  # data\nlang: str = "en"  # report language: en or zh-CN'
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny"), params, nbformat.v4.new_code_cell(TINY)]
    (root / "nb").mkdir()
    nbformat.write(nb, root / "nb" / "tiny.ipynb")
    formats = "html,pdf" if find_chromium() else "html"
    cmd = [
        str(Path(sys.executable).parent / "salesmeasure"),
        "render",
        "--period=2026Q3",
        "--regions=North",
        f"--notebooks-dir={root / 'nb'}",
        f"--out={root / 'out'}",
        f"--formats={formats}",
        "--lang=en,zh-CN",
        "--jobs=1",
        "--no-progress",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "out", done


@pytest.mark.slow
def test_each_language_renders_to_its_own_tree(tiny_pack):
    out, _done = tiny_pack
    en = (out / "2026Q3" / "north" / "tiny.html").read_text(encoding="utf-8")
    zh = (out / "zh-CN" / "2026Q3" / "north" / "tiny.html").read_text(encoding="utf-8")
    assert "On track 2.15M 2026Q3" in en
    assert "正常 215万 2026年第三季度" in zh
    assert 'lang="zh-CN"' in zh and ">期间<" in zh and ">区域<" in zh
    assert "，截至" in zh  # the header's data line: the data set's name and date
    assert "Noto Sans CJK SC" in zh  # the font family with its fallbacks
    en_key = json.loads((out / "2026Q3" / "north" / "tiny.json").read_text())["key"]
    zh_key = json.loads((out / "zh-CN" / "2026Q3" / "north" / "tiny.json").read_text())["key"]
    assert en_key != zh_key


@pytest.mark.slow
def test_indexes_are_translated_and_link_both_languages(tiny_pack):
    out, _done = tiny_pack
    en = (out / "2026Q3" / "index.html").read_text(encoding="utf-8")
    zh = (out / "zh-CN" / "2026Q3" / "index.html").read_text(encoding="utf-8")
    assert "Reports for 2026Q3" in en and 'href="../zh-CN/2026Q3/index.html">简体中文' in en
    assert "2026年第三季度报告" in zh and 'href="../../2026Q3/index.html">English' in zh
    assert "区域" in visible_lines(zh) and "已就绪" in zh
    root_zh = (out / "zh-CN" / "index.html").read_text(encoding="utf-8")
    assert "销售与客户报告" in root_zh and 'href="../index.html">English' in root_zh
    assert 'href="zh-CN/index.html">简体中文' in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_no_missing_glyph_in_the_render_log(tiny_pack):
    out, done = tiny_pack
    logs = [done.stderr, *(p.read_text() for p in out.rglob("render.log"))]
    assert not [x for x in logs if "Glyph" in x and "missing" in x]


@pytest.mark.slow
def test_a_chinese_pdf_page_embeds_a_noto_cjk_font(tiny_pack):
    out, _done = tiny_pack
    pdf = out / "zh-CN" / "2026Q3" / "north" / "tiny.pdf"
    if not pdf.exists() or shutil.which("pdffonts") is None:
        pytest.skip("needs Chromium and poppler-utils (pdffonts), which .ci/run installs")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    # Chromium (Skia) embeds Noto Sans CJK, CFF outlines in a .ttc, as nameless Type 3 glyph
    # programs; the printer gives the page a TrueType subset of it instead (render/cjkfont.py),
    # listed by name as CID TrueType. Either way it is embedded.
    cjk = [x for x in rows if "NotoSansCJK" in x.replace(" ", "") or "Type 3" in x]
    assert cjk, fonts
    from salesmeasure.render.cjkfont import cjk_sources

    if 400 in cjk_sources():
        assert any("NotoSansCJKsc-Regular" in x and "CID TrueType" in x for x in rows), fonts
        assert not [x for x in rows if "Type 3" in x], fonts
    assert all(x.split()[-5] == "yes" for x in rows), fonts  # emb column: every font embedded
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "正常 215万 2026年第三季度" in text  # the glyphs map back to the Chinese text


# ------------------------------------------------------------------ no English left
#: Words a Chinese report may show in Latin letters: acronyms, model and test names,
#: units and the tool's own name. Names from the data (regions, reps, customers, segments,
#: product lines, complaint categories) are allowed separately.
ALLOWED = set(
    """NPS CSAT CES CLV KPI BG NBD ETS MAPE SMART AIC SMB UTC ID Holm Wald Wilson Kaplan Meier
    Mann Whitney Poisson Gamma Pareto Cronbach Feldt Johnson Pearson Iman Conover Ad A N M
    p P attain alpha beta chi salesmeasure papermill nbconvert Python pdf html ipynb PDF HTML
    method equal share history_weight Brier English Spearman NMF TF IDF jieba""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z_]*")
#: Hashes (fingerprints, cache keys) and file paths are not words.
_TECHNICAL = re.compile(r"\b[0-9a-f]{12,}\b|\S*/\S*/\S*")


class _Visible(HTMLParser):
    """The text a reader sees: no script, style, head, code or the provenance footer, and
    no ``<q>`` quotation: a customer's own words (survey comments, the words of a theme
    found in them) are data, in whatever language the customer wrote."""

    HIDDEN = {"script", "style", "head", "code", "footer", "q"}

    def __init__(self):
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag in self.HIDDEN
        self.parts.append("\n")

    def handle_endtag(self, tag):
        self.depth -= tag in self.HIDDEN

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_lines(html: str) -> list[str]:
    v = _Visible()
    v.feed(html)
    return [x.strip() for x in "".join(v.parts).splitlines() if x.strip()]


def _data_names(sample) -> list[str]:
    names = set()
    for table in ("customers", "orders", "reps", "complaints", "surveys", "targets"):
        df = getattr(sample, table)
        for col in df.columns:
            if df[col].dtype == object or str(df[col].dtype) in {"string", "category", "str"}:
                names.update(str(v) for v in df[col].dropna().unique() if len(str(v)) < 60)
    return sorted(names, key=len, reverse=True)


#: A period label as the data writes it (2026Q3, 2026H2, FY2026), which a Chinese report
#: words through format.period (2026年第三季度).
_RAW_PERIOD = re.compile(r"(?<![A-Za-z0-9_-])(?:\d{4}[QH][1-4]|FY\d{4})(?![A-Za-z0-9_-])")


def raw_periods(lines: list[str]) -> list[str]:
    """Lines that show a period label instead of its words."""
    return [x for x in lines if _RAW_PERIOD.search(_TECHNICAL.sub(" ", x))]


def english_left(lines: list[str], names: list[str]) -> list[str]:
    """Lines that still hold an English word (two letters or more) after data names,
    allowed words, hashes and paths."""
    # Only the names that can occur in these lines are tried (the same result: a
    # replacement inserts spaces only, so a name found in a line after replacements has
    # each of its space-free parts in the original text); every name on every line took
    # two minutes on a pack's thousands of customer names (issue 23).
    text = "\n".join(lines)
    names = [n for n in names if all(part in text for part in n.split(" ") if part)]
    out = []
    for line in lines:
        rest = line
        for name in names:
            if name in rest:
                rest = rest.replace(name, " ")
        rest = _TECHNICAL.sub(" ", rest)
        if [w for w in _WORD.findall(rest) if w not in ALLOWED and len(w) > 1]:
            out.append(line)
    return out


@pytest.mark.slow
def test_chinese_reports_hold_no_untranslated_english(default_pack, sample):
    """The Chinese half of the shared default pack (``salesmeasure render --period 2026Q3
    --regions all,North --lang en,zh-CN``, tests/packs.py): every report and the index."""
    out = default_pack
    pages = sorted((out / "zh-CN" / "2026Q3").glob("*/*.html"))
    assert len(pages) == 8, pages
    pages.append(out / "zh-CN" / "2026Q3" / "index.html")
    from salesmeasure.report import data_name, default_data_dir

    names = [*_data_names(sample), data_name(default_data_dir())]  # the data set's name
    leaks = {
        str(p.relative_to(out)): english_left(visible_lines(p.read_text("utf-8")), names)
        + raw_periods(visible_lines(p.read_text("utf-8")))
        for p in pages
    }
    leaks = {k: v for k, v in leaks.items() if v}
    assert not leaks, "English left in the Chinese reports:\n" + "\n".join(
        f"{page}: {line}" for page, lines in leaks.items() for line in dict.fromkeys(lines)
    )


def test_the_leak_check_finds_english_and_allows_names_and_acronyms():
    lines = visible_lines(
        "<p>净推荐值 NPS +24，North 区域</p><p>Rows set aside</p>"
        "<footer><p>Rendered by salesmeasure</p></footer><code>x = 1</code>"
    )
    assert english_left(lines, ["North"]) == ["Rows set aside"]
    assert raw_periods(
        ["2026Q3销售目标", "2026年第三季度", "FY2026 与 2025H2", "q-2026Q3.html"]
    ) == [
        "2026Q3销售目标",
        "FY2026 与 2025H2",
    ]
