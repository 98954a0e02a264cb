"""A CJK font installed after matplotlib built its font cache still draws Chinese charts.

matplotlib lists the system's fonts once, in ``fontlist-v*.json`` under its cache folder,
and never looks again. On a fresh machine that follows the README (``make reports``, then
``apt-get install fonts-noto-cjk``) the cache predates the font. These tests build such a
cache for real (the machine's font list without its CJK entries) in a private
``MPLCONFIGDIR`` and draw a Chinese chart through the suite's theme in a new process.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from salesmeasure.plots import theme

LIB = Path(__file__).resolve().parents[1] / "lib"

CHART = r"""
import json, sys, warnings
import matplotlib
matplotlib.use("Agg")
from matplotlib import font_manager as fm

known_before = sorted({f.name for f in fm.fontManager.ttflist if "CJK" in f.name})
calls = []
_addfont = fm.FontManager.addfont
def counting_addfont(self, path):
    calls.append(path)
    return _addfont(self, path)
fm.FontManager.addfont = counting_addfont

from salesmeasure.i18n import language
from salesmeasure.plots.theme import get_ax

with language("zh-CN"), warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    ax = get_ax()
    ax.bar(["产品质量", "服务水平", "售后支持"], [3.9, 4.1, 4.2])
    ax.set_title("客户满意度（CSAT）")
    ax.set_ylabel("销售额（万元）")
    ax.figure.savefig(sys.argv[1])
    title = fm.findfont(ax.title.get_fontproperties(), fallback_to_default=False)
    label = fm.findfont(ax.yaxis.label.get_fontproperties(), fallback_to_default=False)
print(json.dumps({
    "known_before": known_before,
    "addfont_calls": len(calls),
    "glyph_warnings": [str(w.message) for w in caught if "Glyph" in str(w.message)],
    "title_font": title,
    "label_font": label,
}))
"""


def _cache_file(config_dir: Path) -> Path:
    from matplotlib import font_manager as fm

    return config_dir / f"fontlist-v{fm.FontManager.__version__}.json"


def _write_cache_without_cjk(config_dir: Path) -> None:
    """This machine's font list, as matplotlib caches it, minus every CJK font."""
    from matplotlib import font_manager as fm

    stale = copy.copy(fm.fontManager)
    stale.ttflist = [f for f in fm.fontManager.ttflist if "CJK" not in f.name]
    stale.afmlist = list(fm.fontManager.afmlist)
    fm.json_dump(stale, str(_cache_file(config_dir)))
    listed = json.loads(_cache_file(config_dir).read_text(encoding="utf-8"))
    assert listed["ttflist"] and not [f for f in listed["ttflist"] if "CJK" in f["name"]]


def _draw(config_dir: Path, png: Path) -> dict:
    env = {
        **os.environ,
        "MPLCONFIGDIR": str(config_dir),
        "PYTHONPATH": os.pathsep.join([str(LIB), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", CHART, str(png)],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def cjk_files():
    files = theme._cjk_font_files()
    if not files:
        pytest.skip("no CJK font installed (Debian: fonts-noto-cjk)")
    return files


def test_a_cjk_font_installed_after_the_font_cache_draws_chinese_charts(tmp_path, cjk_files):
    config = tmp_path / "mpl"
    config.mkdir()
    _write_cache_without_cjk(config)

    first = _draw(config, tmp_path / "first.png")
    assert first["known_before"] == []  # the stale cache was read, not rebuilt
    assert first["glyph_warnings"] == []  # no glyph is missing ...
    assert "NotoSansCJK" in Path(first["title_font"]).name, first
    assert "NotoSansCJK" in Path(first["label_font"]).name, first
    assert first["addfont_calls"] >= 1  # ... because the CJK files were added
    assert (tmp_path / "first.png").stat().st_size > 0
    # The cache now lists the font: the next process (a notebook kernel) reads it there.
    names = {f["name"] for f in json.loads(_cache_file(config).read_text("utf-8"))["ttflist"]}
    assert "Noto Sans CJK SC" in names
    assert not list(config.glob("*.part"))

    second = _draw(config, tmp_path / "second.png")
    assert "Noto Sans CJK SC" in second["known_before"]
    assert second["addfont_calls"] == 0  # cheap once known: no font file is read again
    assert second["glyph_warnings"] == []
    assert second["title_font"] == first["title_font"]


def test_a_known_cjk_font_is_not_looked_up_again(monkeypatch, cjk_files):
    from salesmeasure.i18n import language

    assert theme.cjk_font() == "Noto Sans CJK SC"
    monkeypatch.setattr(theme, "_cjk_checked", None)

    def no_lookup():
        raise AssertionError("fonts looked up although matplotlib knows a CJK font")

    monkeypatch.setattr(theme, "_cjk_font_files", no_lookup)
    assert theme.cjk_font() == "Noto Sans CJK SC"
    with language("zh-CN"):
        theme.set_theme()  # checked once per process: the lookup above is not repeated
