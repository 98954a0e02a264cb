"""Navigation and titles of every report (issue 20): ``<title>`` names report, region and
period, ``<html lang>`` is the report's language, and a navigation bar links the index,
the same report for the other regions and the other language, by relative links that
resolve to files of the pack. Checked on a small batch rendered by the real ``render``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_render import good_notebook

from salesmeasure.render import render
from salesmeasure.render.export import finish_page, navigation


def test_navigation_links_are_relative_to_the_report():
    nav = navigation(
        Path("/o/2026Q3/north/a.html"),
        index=Path("/o/2026Q3/index.html"),
        regions=[("All", Path("/o/2026Q3/all/a.html")), ("North", Path("/o/2026Q3/north/a.html"))],
        languages=[("English", Path("/o/2026Q3/north/a.html")),
                   ("简体中文", Path("/o/zh-CN/2026Q3/north/a.html"))],
    )  # fmt: skip
    assert nav["index"] == "../index.html"
    assert nav["regions"] == [("All", "../all/a.html", False), ("North", "a.html", True)]
    assert nav["languages"][1] == ("简体中文", "../../zh-CN/2026Q3/north/a.html", False)


def test_finish_page_sets_title_and_lang():
    page = '<!DOCTYPE html>\n<html lang="en">\n<head><title>x</title></head></html>'
    out = finish_page(page, {"title": "A & B", "region": "North", "period": "2026 Q3",
                             "lang": "zh-CN"})  # fmt: skip
    assert '<html lang="zh-CN">' in out
    assert "<title>A &amp; B · North · 2026 Q3</title>" in out


@pytest.fixture(scope="module")
def pack(tmp_path_factory, sample_dir):
    d = tmp_path_factory.mktemp("nav")
    nbs = d / "notebooks"
    nbs.mkdir()
    good_notebook(nbs)
    out = d / "reports"
    for lang in ("en", "zh-CN"):
        render("2026Q3", data=sample_dir, out=out, regions="all,North", notebooks_dir=nbs,
               formats="html", jobs=1, progress=False, lang=lang, languages=("en", "zh-CN"))  # fmt: skip
    return out


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "folder"), [("en", "2026Q3"), ("zh-CN", "zh-CN/2026Q3")])
def test_every_report_has_title_lang_and_a_navigation_bar(pack, lang, folder):
    other = "zh-CN/2026Q3" if lang == "en" else "2026Q3"
    for region in ("all", "north"):
        page = pack / folder / region / "a_orders.html"
        soup = BeautifulSoup(page.read_text(), "html.parser")
        assert soup.html["lang"] == lang
        title = soup.title.get_text()
        header = soup.find("header")
        period = header.find("dt", string=lambda s: s in ("Period", "期间", "报告期")) or None
        # the region by its display name in the reader's language (format.label; issue 20)
        north = "North" if lang == "en" else "华北"
        for part in (soup.find("h1").get_text(strip=True), north if region == "north" else ""):
            assert part in title, (part, title)
        assert title.count(" · ") == 2
        if period is not None:
            assert period.find_next("dd").get_text(strip=True) in title
        nav = soup.find("nav", class_="sm-nav")
        hrefs = [a["href"] for a in nav.find_all("a")]
        assert all(not h.startswith(("/", "file:", "http")) for h in hrefs)
        targets = {Path(os.path.normpath(page.parent / h)) for h in hrefs}
        assert pack / folder / "index.html" in targets
        other_region = "north" if region == "all" else "all"
        assert pack / folder / other_region / "a_orders.html" in targets
        assert pack / other / region / "a_orders.html" in targets
        assert all(t.exists() for t in targets), targets
