"""Repository invariants: clean notebooks, one dependency list, the README's commands."""

import re
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = {
    "00_executive_summary",
    "01_target_setting",
    "02_satisfaction_survey",
    "03_retention_clv",
}


def test_the_four_notebooks_exist():
    assert {p.stem for p in NOTEBOOKS} >= EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.outputs or c.execution_count)
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_parameters_cell_is_typed_literals_with_help(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    lines = [x for x in tagged[0].source.splitlines() if x.strip()]
    names = []
    for line in lines:
        m = re.match(r"^(\w+): (str|int|float|bool) = (.+?)  # \S.*$", line)
        assert m, f"{path.name}: parameter line is not 'name: type = literal  # help': {line!r}"
        names.append(m.group(1))
    assert {"period", "region", "data_path"} <= set(names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_papermill_parses_every_parameter_line(path):
    """papermill --help-notebook shows each parameter with its type and help."""
    import papermill

    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    lines = [x for x in cell.source.splitlines() if x.strip()]
    params = papermill.inspect_notebook(str(path))
    assert len(params) == len(lines), f"papermill could not parse some of {lines}"
    assert all(p["help"] and p["inferred_type_name"] != "None" for p in params.values())


def test_papermill_reads_the_parameter_help():
    import papermill

    params = papermill.inspect_notebook(str(ROOT / "notebooks" / "01_target_setting.ipynb"))
    assert params["period"]["inferred_type_name"] == "str"
    assert "quarter" in params["period"]["help"]


def _dep_names(reqs):
    return {Requirement(r).name.lower().replace("_", "-") for r in reqs}


def test_environment_yml_builds_the_same_environment_as_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    python = [d for d in deps if isinstance(d, str) and d.startswith("python")]
    assert len(python) == 1
    version = python[0].split("=", 1)[1]
    assert version in SpecifierSet(pyproject["project"]["requires-python"])
    pip = [d["pip"] for d in deps if isinstance(d, dict) and "pip" in d]
    assert pip == [["-e .[dev]"]], "environment.yml must install the project with its dev extra"
    # any conda package it names must be a dependency of pyproject (no second list)
    conda_pkgs = {re.split(r"[=<>]", d)[0].lower() for d in deps if isinstance(d, str)} - {
        "python",
        "pip",
    }
    declared = _dep_names(pyproject["project"]["dependencies"]) | _dep_names(
        pyproject["project"]["optional-dependencies"]["dev"]
    )
    assert conda_pkgs <= declared


def test_pyproject_declares_the_required_stack():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    names = _dep_names(pyproject["project"]["dependencies"]) | _dep_names(
        pyproject["project"]["optional-dependencies"]["dev"]
    )
    assert {
        "jupyterlab",
        "papermill",
        "pandas",
        "seaborn",
        "statsmodels",
        "nbval",
        "pandera",
    } <= names
    assert pyproject["project"]["scripts"]["salesmeasure"] == "salesmeasure.cli:app"


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```bash", 1)[1].split("```", 1)[0]
    assert "make reports" in first_block and "make test" in first_block
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^reports:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_running_interpreter_is_the_project_venv_or_has_the_package():
    import salesmeasure

    assert Path(salesmeasure.__file__).resolve().is_relative_to(ROOT / "lib"), sys.executable
