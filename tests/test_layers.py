"""The library's layers run one way: nothing imports a layer above it.

data and periods -> stats and format -> analytics -> text and plots -> report plumbing
-> render and CLI. Checked statically on every ``import`` in ``lib/salesmeasure``
(including imports inside functions), so a lazy import cannot hide an upward dependency.

An area package's ``__init__`` (``salesmeasure.targets``) re-exports its text functions
for notebooks, so it counts as the text layer: analytics import the submodule they need
(``salesmeasure.targets.forecast``), never the package facade.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parents[1] / "lib" / "salesmeasure"

BASE, DATA, STATS, ANALYTICS, WORDS, REPORT, TOP = range(7)
NAMES = ["base", "data", "stats/format", "analytics", "text/plots", "report", "render/cli"]

#: First matching prefix wins (longest first); ``*`` matches one dotted component.
RULES: list[tuple[str, int]] = [
    ("salesmeasure.*.text", WORDS),
    ("salesmeasure.render", TOP),
    ("salesmeasure.cli", TOP),
    ("salesmeasure.lab", TOP),
    ("salesmeasure.notebook_lang", TOP),
    ("salesmeasure.__main__", TOP),
    ("salesmeasure.report", REPORT),
    ("salesmeasure.plots", WORDS),
    ("salesmeasure.text", WORDS),
    ("salesmeasure.headlines", WORDS),
    ("salesmeasure.targets", ANALYTICS),
    ("salesmeasure.survey", ANALYTICS),
    ("salesmeasure.retention", ANALYTICS),
    ("salesmeasure.clv", ANALYTICS),
    ("salesmeasure.kpi", ANALYTICS),
    ("salesmeasure.books", ANALYTICS),
    ("salesmeasure.sample", ANALYTICS),
    ("salesmeasure.stats", STATS),
    ("salesmeasure.format", STATS),
    ("salesmeasure.results", STATS),
    ("salesmeasure.data", DATA),
    ("salesmeasure.sources", DATA),
    ("salesmeasure.config", DATA),
    ("salesmeasure.quality", DATA),
    ("salesmeasure.periods", BASE),
    ("salesmeasure.errors", BASE),
    ("salesmeasure.checks", BASE),
    ("salesmeasure.i18n", BASE),
    ("salesmeasure", BASE),
]

AREA_FACADES = {"targets", "survey", "retention", "clv", "kpi"}


def module_name(path: Path) -> str:
    rel = path.relative_to(LIB.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in LIB.rglob("*.py")}


def is_package(name: str) -> bool:
    return name in MODULES and MODULES[name].name == "__init__.py"


def layer(name: str) -> int:
    parts = name.split(".")
    # An area package's __init__ re-exports its text: it sits with the text layer.
    if len(parts) == 2 and parts[1] in AREA_FACADES and is_package(name):
        return WORDS
    for prefix, lvl in RULES:
        pp = prefix.split(".")
        if len(parts) >= len(pp) and all(
            a == "*" or a == b for a, b in zip(pp, parts[: len(pp)], strict=True)
        ):
            return lvl
    raise AssertionError(f"module {name} has no layer in tests/test_layers.py RULES")


def imports(path: Path, name: str) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("salesmeasure")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not mod.startswith("salesmeasure"):
                continue
            for a in node.names:
                sub = f"{mod}.{a.name}"
                out.append((node.lineno, sub if sub in MODULES else mod))
    return out


def test_every_module_has_a_layer():
    for name in MODULES:
        layer(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_a_layer_above_it(name):
    mine = layer(name)
    bad = [
        f"line {line}: {target} ({NAMES[layer(target)]})"
        for line, target in imports(MODULES[name], name)
        if target != "salesmeasure" and layer(target) > mine
    ]
    assert not bad, f"{name} ({NAMES[mine]}) imports from above its layer: " + "; ".join(bad)


def test_the_check_catches_an_upward_import(tmp_path):
    """The rule is not vacuous: an analytics module importing report is flagged."""
    assert layer("salesmeasure.report") > layer("salesmeasure.targets.forecast")
    assert layer("salesmeasure.targets") == WORDS  # the facade, once targets is a package
    assert layer("salesmeasure.targets.text") == WORDS
    f = tmp_path / "x.py"
    f.write_text("from salesmeasure.report import prepare\n")
    assert imports(f, "salesmeasure.x") == [(1, "salesmeasure.report")]


def test_no_library_module_is_over_about_600_lines():
    """One concern per room: a module that grows past ~600 lines is split by topic
    (issue 10), not left to become the next 2,000-line file."""
    long = {
        name: n
        for name, path in MODULES.items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 650
    }
    assert not long, f"modules over 650 lines: {long}"
