"""`salesmeasure notebooks --lang zh-CN`: translated copies of the report notebooks for
JupyterLab (salesmeasure.notebook_lang).

Checked against the originals and the export: no English left in a Chinese copy's Markdown
(the same leak check as the rendered Chinese reports, tests/test_i18n_render.py), the
English copy byte for byte the original, and a Chinese copy run by papermill with its own
defaults shows Chinese.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from test_i18n_render import english_left, visible_lines

from salesmeasure.i18n import set_language
from salesmeasure.lab import strip_outputs
from salesmeasure.notebook_lang import (
    MANIFEST,
    EditedCopy,
    translate_notebook,
    write_copies,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CLI = str(Path(sys.executable).parent / "salesmeasure")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _english_after_each_test():
    yield
    set_language("en")


@pytest.fixture(scope="module")
def zh(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lab") / "zh-CN"
    result = write_copies("zh-CN", out)
    assert sorted(result.written) == [p.name for p in NOTEBOOKS]
    return out


def _markdown_lines(nb) -> list[str]:
    """The text a reader sees in the notebook's Markdown cells, rendered as the export does."""
    from salesmeasure.render.export import _markdown_to_html

    return [
        line
        for c in nb.cells
        if c.cell_type == "markdown"
        for line in visible_lines(_markdown_to_html(c.source))
    ]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, "notebooks", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_chinese_copy_has_no_english_left_in_its_markdown(zh, path):
    original = _markdown_lines(nbformat.read(path, as_version=4))
    assert english_left(original, [])  # the check is not vacuous: the original is English
    copy = nbformat.read(zh / path.name, as_version=4)
    leaks = english_left(_markdown_lines(copy), [])
    assert not leaks, f"English left in {path.name} (missing from the .po?):\n" + "\n".join(leaks)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_copy_keeps_cells_ids_tags_and_sets_lang_in_the_parameters_cell(zh, path):
    original = nbformat.read(path, as_version=4)
    copy = nbformat.read(zh / path.name, as_version=4)
    nbformat.validate(copy)
    assert [(c.id, c.cell_type, c.metadata) for c in copy.cells] == [
        (c.id, c.cell_type, c.metadata) for c in original.cells
    ]
    params = [c for c in copy.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    assert re.search(r'^lang: str = "zh-CN"  # 报告语言：en或zh-CN$', params[0].source, re.M)
    from papermill.translators import PythonTranslator

    found = {p.name: p.default for p in PythonTranslator.inspect(params[0])}
    assert found["lang"] == '"zh-CN"'
    # the other parameters keep their names, types and values; their help is in Chinese
    orig = [c for c in original.cells if "parameters" in c.metadata.get("tags", [])][0]
    want = {p.name: (p.inferred_type_name, p.default) for p in PythonTranslator.inspect(orig)}
    got = {p.name: (p.inferred_type_name, p.default) for p in PythonTranslator.inspect(params[0])}
    assert got == {**want, "lang": ("str", '"zh-CN"')}
    helps = [p.help for p in PythonTranslator.inspect(params[0])]
    assert all(re.search(r"[\u4e00-\u9fff]", h) for h in helps), helps
    # every other code cell is the original's; no outputs
    for a, b in zip(original.cells, copy.cells, strict=True):
        if a.cell_type == "code":
            assert b.outputs == [] and b.execution_count is None
            assert a.source == b.source or a.id == params[0].id


def test_the_english_copy_is_the_original_notebook(tmp_path):
    write_copies("en", tmp_path / "en")
    for path in NOTEBOOKS:
        assert (tmp_path / "en" / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_copy_translates_with_the_exports_function():
    """The lab and the exported report show the same words: both call translate_markdown."""
    from salesmeasure.i18n import language, translate_markdown

    nb = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    copy = translate_notebook(nb, "zh_cn")
    with language("zh-CN"):
        for a, b in zip(nb["cells"], copy["cells"], strict=True):
            if a["cell_type"] == "markdown":
                assert b["source"] == translate_markdown("".join(a["source"]))


def test_an_unknown_language_is_a_one_line_error_naming_the_languages(tmp_path):
    done = _cli("--lang", "fr", "--out", str(tmp_path / "fr"))
    assert done.returncode == 2
    assert done.stderr == "error: --lang must be one of en, zh-CN, got 'fr'\n"
    assert not (tmp_path / "fr").exists()


def test_an_edited_copy_is_not_overwritten_silently(tmp_path):
    out = tmp_path / "zh-CN"
    done = _cli("--lang", "zh-CN", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "4 written" in done.stdout
    assert "0 written, 4 unchanged" in _cli("--lang", "zh-CN", "--out", str(out)).stdout

    target = out / "01_target_setting.ipynb"
    nb = nbformat.read(target, as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace('region: str = "all"', 'region: str = "North"')
    nbformat.write(nb, target)
    edited = target.read_bytes()

    done = _cli("--lang", "zh-CN", "--out", str(out))
    assert done.returncode == 2
    assert done.stderr.startswith("error: 01_target_setting.ipynb in ")
    assert "--force" in done.stderr and len(done.stderr.splitlines()) == 1
    assert target.read_bytes() == edited
    with pytest.raises(EditedCopy):
        write_copies("zh-CN", out)

    done = _cli("--lang", "zh-CN", "--out", str(out), "--keep-edited")
    assert done.returncode == 0 and "1 edited and kept (01_target_setting.ipynb)" in done.stdout
    assert target.read_bytes() == edited

    done = _cli("--lang", "zh-CN", "--out", str(out), "--force")
    assert done.returncode == 0 and "1 written, 3 unchanged" in done.stdout
    assert 'region: str = "all"' in nbformat.read(target, as_version=4).cells[1].source


def test_running_and_saving_a_copy_is_not_an_edit(zh, tmp_path):
    """Outputs, execution counts and kernel metadata JupyterLab writes do not count."""
    out = tmp_path / "zh-CN"
    write_copies("zh-CN", out)
    target = out / "02_satisfaction_survey.ipynb"
    nb = nbformat.read(target, as_version=4)
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.2"}
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.execution_count = 1
    code.outputs = [nbformat.v4.new_output("stream", text="hi\n")]
    nbformat.write(nb, target)
    result = write_copies("zh-CN", out)
    assert result.unchanged == [p.name for p in NOTEBOOKS] and not result.written


def test_the_lab_hook_strips_outputs_of_the_copies(zh):
    def model():
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("1 + 1")
        cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"})]
        cell.execution_count = 3
        nb.cells = [cell]
        return {"type": "notebook", "content": json.loads(nbformat.writes(nb))}

    class CM:
        root_dir = str(zh)  # `jupyter lab lab/zh-CN/`

    m = model()
    strip_outputs(m, path="02_satisfaction_survey.ipynb", contents_manager=CM())
    assert m["content"]["cells"][0]["outputs"] == []
    CM.root_dir = str(zh.parent)  # `jupyter lab lab/`
    m = model()
    strip_outputs(m, path=f"{zh.name}/02_satisfaction_survey.ipynb", contents_manager=CM())
    assert m["content"]["cells"][0]["execution_count"] is None
    m = model()
    strip_outputs(m, path="scratch.ipynb", contents_manager=CM())  # beside, not a copy
    assert m["content"]["cells"][0]["execution_count"] == 3
    assert (zh / MANIFEST).is_file()


def test_make_lab_writes_and_opens_the_copies_for_report_lang():
    done = subprocess.run(
        ["make", "-n", "lab", "REPORT_LANG=zh-CN"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [x for x in done.stdout.splitlines() if "salesmeasure" in x]
    assert "notebooks --lang 'zh-CN' --out lab/zh-CN" in lines[-2]
    assert "pre_save_hook=salesmeasure.lab.strip_outputs lab/zh-CN/" in lines[-1]
    assert "/lab/" in (ROOT / ".gitignore").read_text().splitlines()


@pytest.mark.slow
def test_a_chinese_copy_runs_with_papermill_and_shows_chinese(zh, tmp_path):
    """02 (the fastest) run from its copy with the copy's own defaults: lang is zh-CN."""
    import papermill

    out = tmp_path / "02.ipynb"
    papermill.execute_notebook(
        str(zh / "02_satisfaction_survey.ipynb"),
        str(out),
        kernel_name="python3",
        progress_bar=False,
        cwd=str(zh),
        execution_timeout=600,
    )
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    markdown = "\n".join(
        "".join(o["data"]["text/markdown"]) for o in outputs if "text/markdown" in o.get("data", {})
    )
    assert len(CJK.findall(markdown)) > 200, markdown[:500]
    assert "净推荐值" in markdown
    charts = {"image/png", "image/svg+xml"}  # SVG since issue 20
    assert sum(bool(charts & set(o.get("data", {}))) for o in outputs) >= 3
