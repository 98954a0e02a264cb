"""Shared fixtures: the committed sample data and its planted truths."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
NOTEBOOK_DIR = ROOT / "notebooks"

# Kernels started by papermill/nbval must run this interpreter (the project's venv).
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE_DIR


@pytest.fixture(scope="session")
def sample(sample_dir):
    from salesmeasure.data import load

    return load(sample_dir)


@pytest.fixture(scope="session")
def truth(sample_dir) -> dict:
    return json.loads((sample_dir / "generator.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def shared_root(tmp_path_factory) -> Path:
    """The folder that every xdist worker of this pytest run shares: work made there once
    (``packs.shared``) is read by every test file, whichever worker runs it."""
    from packs import shared_root

    return shared_root(tmp_path_factory)


@pytest.fixture(scope="session")
def default_pack(shared_root) -> Path:
    """The default pack (2026Q3, all + North, en + zh-CN, HTML + PDF) rendered by the real
    ``salesmeasure render`` once per test run for all workers (see tests/packs.py)."""
    from packs import shared_pack

    return shared_pack(shared_root)


@pytest.fixture(scope="session")
def notebook_dir() -> Path:
    return NOTEBOOK_DIR


class NotebookRun:
    """An executed notebook and easy access to what it showed."""

    def __init__(self, nb):
        self.nb = nb

    def outputs(self, kind: str) -> list[str]:
        """Every output of MIME type ``kind`` (e.g. ``text/markdown``), in order."""
        return [
            o["data"][kind]
            for c in self.nb.cells
            for o in c.get("outputs", [])
            if kind in o.get("data", {})
        ]

    @property
    def markdown(self) -> str:
        return "\n".join(self.outputs("text/markdown"))

    @property
    def text(self) -> str:
        """Markdown, HTML, plain text and stderr output joined."""
        parts = [
            o.get("text", "")
            for c in self.nb.cells
            for o in c.get("outputs", [])
            if o.get("output_type") == "stream" and o.get("name") == "stderr"
        ]
        for kind in ("text/markdown", "text/html", "text/plain"):
            parts += self.outputs(kind)
        return "\n".join(parts)

    @property
    def images(self) -> int:
        """Charts shown, whatever their format (SVG since issue 20; PNG before): one per
        output that holds an image."""
        return sum(
            1
            for c in self.nb.cells
            for o in c.get("outputs", [])
            if {"image/png", "image/svg+xml"} & set(o.get("data", {}))
        )

    @property
    def errors(self) -> list[str]:
        return [
            f"{o.get('ename')}: {o.get('evalue')}"
            for c in self.nb.cells
            for o in c.get("outputs", [])
            if o.get("output_type") == "error"
        ]


def notebook_defaults(name: str) -> dict:
    """The values of ``notebooks/<name>.ipynb``'s parameters cell (plain assignments)."""
    import nbformat

    nb = nbformat.read(NOTEBOOK_DIR / f"{name}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    values: dict = {}
    exec(cell.source, {}, values)  # noqa: S102 - the project's own notebook
    return values


@pytest.fixture(scope="session")
def warm_kernel():
    """One warm kernel per xdist worker, reset before each notebook: the kernel that
    ``salesmeasure render`` runs its reports in (:class:`~salesmeasure.render.execute.
    KernelRunner`)."""
    from salesmeasure.render.execute import KernelRunner

    runner = KernelRunner("python3", execution_timeout=600)
    yield runner
    runner.stop()


@pytest.fixture(scope="session")
def run_notebook(shared_root, warm_kernel):
    """Execute ``notebooks/<name>.ipynb`` with papermill; returns a :class:`NotebookRun`.

    Raises papermill's ``PapermillExecutionError`` when a cell fails.

    A run that succeeds is kept for the whole pytest run and every xdist worker
    (``packs.shared``): the same notebook with the same parameters is executed once, e.g.
    ``test_notebook_00``'s run for ``region="all"`` and test_speed_notebooks' run of every
    notebook as committed (what ``nbval`` used to execute a second time). Parameters equal
    to the notebook's defaults are not injected (papermill then runs the notebook exactly
    as committed, as a user's "Run All" does) and do not change the key.

    The notebook runs in the worker's warm kernel, reset before each run, as a batch runs
    its reports (issue 23: a new kernel per run cost ~5 s of imports, data reading and
    start-up each, ~20 runs). A new kernel's "Run All" is what ``nbval`` runs on every
    notebook in ``make test``; that both give the same reports is tests/contract/
    test_paths.py's and test_render.py's (``--isolate``) to show.
    """
    import hashlib
    import json

    import nbformat
    import papermill
    from packs import shared

    from salesmeasure.render.execute import _engine_name

    def run(name: str, **parameters) -> NotebookRun:
        defaults = notebook_defaults(name)
        given = {k: v for k, v in parameters.items() if k not in defaults or defaults[k] != v}
        spec = json.dumps(given, sort_keys=True, default=str)
        key = f"notebook-{name}-{hashlib.sha1(spec.encode()).hexdigest()[:12]}"

        def build(out: Path) -> None:
            out.mkdir(parents=True, exist_ok=True)
            source = NOTEBOOK_DIR / f"{name}.ipynb"
            km = warm_kernel.kernel_for(str(source))
            try:
                papermill.execute_notebook(
                    str(source),
                    str(out / "executed.ipynb"),
                    parameters=given,
                    km=km,
                    engine_name=_engine_name(),
                    progress_bar=False,
                    execution_timeout=600,
                )
            except papermill.PapermillExecutionError as e:  # kept: raised to every asker
                (out / "error.json").write_text(json.dumps(list(e.args), default=str))
                warm_kernel.stop()  # never reused after a failure, as in a batch
            except BaseException:
                warm_kernel.stop()
                raise

        out = shared(shared_root, key, build)
        if (out / "error.json").exists():
            raise papermill.PapermillExecutionError(*json.loads((out / "error.json").read_text()))
        return NotebookRun(nbformat.read(out / "executed.ipynb", as_version=4))

    return run


# ------------------------------------------------------------------ a fresh machine (issue 23)

#: Test files by their cost on the sample data, dearest first (each runs notebooks or
#: renders through kernels; from the code: notebook executions per file x the notebooks'
#: 5-15 s each). ``make test`` runs ``--dist loadfile --no-loadscope-reorder``: a worker
#: takes the next file when it is free, so starting with the dear ones leaves the cheap
#: unit-test files to fill the end and both workers finish together. pytest-xdist's own
#: default order (most tests first) put these few-test, long files last: a long tail on
#: one worker while the other idled.
HEAVY_FIRST = (
    "tests/contract/test_paths.py",  # renders the warm runs that the matrix reads
    "tests/test_render.py",
    # the first to ask for the shared default pack (and South into a copy of it); the other
    # files that read it come later, when it is made, so that no worker waits on the lock
    "tests/test_pack_consistency.py",
    "tests/contract/test_matrix_periods.py",
    "tests/contract/test_matrix_shapes.py",
    "tests/contract/test_public_shapes.py",
    "tests/test_notebook_01.py",
    "tests/test_notebook_03.py",
    "tests/test_sources.py",  # the PostgreSQL full pack
    "tests/test_notebook_00.py",
    "tests/test_tables.py",
    "tests/test_i18n_charts.py",
    "tests/test_cli.py",
    "tests/test_notebook_02.py",
    "tests/test_i18n_render.py",
    "tests/test_pages.py",
    "tests/test_navigation.py",
    "tests/test_notebook_lang.py",
    "tests/test_render_hostile.py",
    "tests/test_sources_mysql.py",
    "tests/contract/test_bad_data.py",
    "tests/test_lab.py",
    "tests/test_font_cache.py",
    # renders of their own, 15-40 s each: last in the alphabet, test_zh_sample ran at the
    # very end of one worker while the other had finished (a 41 s tail)
    "tests/test_zh_sample.py",
    "tests/test_index_thresholds.py",
    "tests/test_data.py",
    "tests/test_books_disk.py",
    "tests/test_dot_thousands.py",
    "tests/test_formats.py",
    "notebooks/01_target_setting.ipynb",  # nbval: each notebook once, as committed
    "notebooks/00_executive_summary.ipynb",
    "notebooks/03_retention_clv.ipynb",
    "notebooks/02_satisfaction_survey.ipynb",
    # these read shared work made above (the notebooks run as committed by test_notebook_0X,
    # the default pack by test_pack_consistency): cheap once it is made
    "tests/test_speed_notebooks.py",
    "tests/test_first_screen.py",
    "tests/test_actions.py",
    "tests/test_targets_page.py",
    "tests/test_survey_page.py",
    "tests/test_retention_page.py",
    "tests/test_pages_finish.py",
    "tests/test_zh_prose.py",
)


#: ``make test-fast`` (the pack in English HTML only, :func:`packs.html_only`) deselects
#: the slow tests of test_pack_consistency that ask for the default pack first in
#: ``make test``: the first asker is then a page test, which came late, when both workers
#: were on page tests at once, and one of them waited ~35 s on the other's render (measured
#: 3 min 40 s with the wait). In test-fast the first page file goes first, so one worker
#: renders the pack while the other runs the dear files that do not read it.
FAST_FIRST = ("tests/test_first_screen.py",)


def pytest_collection_modifyitems(session, config, items):
    """Dear files first, each file's tests kept together and in their order (the same
    order on every xdist worker: it depends on the paths only)."""
    import packs

    first = (FAST_FIRST if packs.html_only() else ()) + HEAVY_FIRST
    rank = {name: i for i, name in enumerate(dict.fromkeys(first))}

    def key(item):
        path = Path(str(item.fspath)).resolve()
        try:
            rel = path.relative_to(ROOT).as_posix()
        except ValueError:
            rel = path.as_posix()
        return rank.get(rel, len(rank))

    items[:] = [item for _, item in sorted(enumerate(items), key=lambda t: (key(t[1]), t[0]))]


_FONT_WARMUP = "from salesmeasure.plots.theme import cjk_font; cjk_font()"


def pytest_configure(config):
    """Once, before the xdist workers and their kernels start: what every process would
    otherwise race to build on a fresh machine. The library's bytecode (0.2 s), and, in
    a background process while the workers collect, matplotlib's font cache with the CJK
    font added (plots.theme.cjk_font: the CJK font may be installed after the cache)."""
    if hasattr(config, "workerinput"):  # an xdist worker: the controller did it
        return
    # One results cache (salesmeasure.books) for this run, shared by its workers and the
    # renders they start, never the user's ~/.cache: a run does not read an earlier one's.
    if "SALESMEASURE_CACHE" not in os.environ:
        import tempfile

        os.environ["SALESMEASURE_CACHE"] = tempfile.mkdtemp(prefix="salesmeasure-test-cache-")
        config._salesmeasure_cache = os.environ["SALESMEASURE_CACHE"]
    # The CPUs shared out among the xdist workers: each render a test starts gets its
    # worker's share as its --jobs default ($SALESMEASURE_JOBS; 1 each for -n 2 on two
    # CPUs), as a test runner gives each job one thread (OMP_NUM_THREADS=1). A render's
    # pool of two workers beside the other xdist worker's work only added a kernel start
    # and a worker per render (2.7 s of CPU each; measured: make test 12 min 06 s and 22
    # min of CPU -> 11 min 02 s and 19 min). The pool of several workers is tested where a
    # test asks for --jobs 2 and in the default pack (tests/packs.py, as `make reports`).
    workers = getattr(config.option, "numprocesses", None)
    if isinstance(workers, int) and workers > 1 and "SALESMEASURE_JOBS" not in os.environ:
        try:  # salesmeasure.render.batch.usable_cpus, without importing the batch here
            cpus = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            cpus = os.cpu_count() or 1
        os.environ["SALESMEASURE_JOBS"] = str(max(1, cpus // workers))
        config._salesmeasure_jobs = True
    import compileall
    import subprocess

    compileall.compile_dir(str(ROOT / "lib"), quiet=2, workers=1)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT / "lib"), os.environ.get("PYTHONPATH")])
        ),
    }
    try:
        config._salesmeasure_font_warmup = subprocess.Popen(
            [sys.executable, "-c", _FONT_WARMUP],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    except OSError:
        pass


def pytest_unconfigure(config):
    if getattr(config, "_salesmeasure_jobs", False):
        os.environ.pop("SALESMEASURE_JOBS", None)
    cache = getattr(config, "_salesmeasure_cache", None)
    if cache:
        import shutil

        shutil.rmtree(cache, ignore_errors=True)
    proc = getattr(config, "_salesmeasure_font_warmup", None)
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait()
