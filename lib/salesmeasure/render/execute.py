"""Step 2 of a batch: execute notebooks with papermill, in parallel worker processes.

Two ways to run a report:

* a **warm kernel** (default): each worker process keeps one Jupyter kernel alive,
  pre-imports the heavy libraries once, and before every report resets the kernel
  (user namespace, execution count, working directory, matplotlib rcParams and inline
  backend settings, pandas options, warning filters). It saves the 3-4 s a fresh kernel
  spends starting and importing pandas/seaborn/statsmodels for every report. The kernel
  is replaced after any failure or timeout, and after ``max_reports_per_kernel`` reports.
* a **fresh kernel** per report (``isolate=True``, and always on a Dask cluster): what
  the papermill CLI does, without its per-report interpreter start.

A report that runs longer than ``report_timeout`` has its worker process and kernel
killed; the batch goes on with a new worker.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from .store import ReportFailure, strip_ansi

__all__ = [
    "ExecResult",
    "resolve_kernel",
    "execute_report",
    "KernelRunner",
]

#: Modules a warm kernel imports once; missing ones are skipped.
#: ``salesmeasure.*`` means every submodule of the library (but ``cli`` and ``render``).
WARM_IMPORTS = (
    "numpy",
    "pandas",
    "scipy.stats",
    "matplotlib.pyplot",
    "seaborn",
    # the statsmodels modules the library imports where it uses them (not statsmodels.api:
    # 630 more modules that nothing of ours reads, 0.2 s of every kernel's start)
    "statsmodels.tsa.exponential_smoothing.ets",
    "statsmodels.tsa.seasonal",
    "statsmodels.duration.survfunc",
    "IPython.display",
    "salesmeasure.*",
)

_KERNEL_NAME: str | None = None
_KERNEL_BASE: str | None = None


def resolve_kernel() -> str:
    """Register (idempotently) a kernelspec for the running interpreter and return its name.

    The kernelspec lives in a private Jupyter data dir that is put first on
    ``JUPYTER_PATH`` (inherited by worker processes), so papermill finds it whatever
    kernels the venv or user has installed: ``NoSuchKernel`` cannot happen, and
    notebooks always run on the interpreter that has ``salesmeasure`` installed.
    """
    global _KERNEL_NAME, _KERNEL_BASE
    if _KERNEL_NAME and _KERNEL_BASE and _KERNEL_BASE in os.environ.get("JUPYTER_PATH", ""):
        return _KERNEL_NAME
    exe = sys.executable
    name = "salesmeasure-" + hashlib.sha1(exe.encode()).hexdigest()[:10]
    base = (
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        / "salesmeasure"
        / "jupyter"
    )
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        base = Path(tempfile.gettempdir()) / f"salesmeasure-jupyter-{os.getuid()}"
    spec_dir = base / "kernels" / name
    spec = {
        "argv": [exe, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"salesmeasure ({Path(exe).parent.parent.name})",
        "language": "python",
        "metadata": {"debugger": False},
    }
    text = json.dumps(spec, indent=1)
    kfile = spec_dir / "kernel.json"
    if not kfile.exists() or kfile.read_text() != text:
        from .store import atomic_write

        atomic_write(kfile, text)
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if str(base) not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(base), *paths])
    _KERNEL_NAME, _KERNEL_BASE = name, str(base)
    return name


@dataclass
class ExecResult:
    """The outcome of executing one report (sent from a worker to the parent)."""

    report_id: str
    ok: bool
    notebook_json: str | None  #: the executed notebook (also when it failed part-way)
    error: ReportFailure | None
    started: float
    seconds: float


def _section_of(nb, cell_index: int | None) -> str:
    """The last markdown heading at or before ``cell_index``."""
    if cell_index is None:
        return ""
    for cell in reversed(nb.cells[: cell_index + 1]):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.lstrip().startswith("#"):
                    return line.lstrip("# ").strip()[:120]
    return ""


def _first_line(text: str, limit: int = 400) -> str:
    lines = [ln for ln in strip_ansi(text).strip().splitlines() if ln.strip()]
    msg = lines[0] if lines else ""
    return msg[:limit]


def _error_names() -> set[str]:
    """Names of the library's own exceptions, whose messages are written for managers."""
    from salesmeasure import errors

    names, todo = set(), [errors.SalesmeasureError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names


#: The reason a report gives when a cell failed on an error the library did not expect.
UNEXPECTED = (
    "the report stopped on an unexpected error in the program; "
    "the notebook beside the report shows where (please pass it on to the maintainers)"
)


def failure(ename: str, evalue: str) -> ReportFailure:
    """A failed cell's exception as a reason in words (``message``) and as it was
    raised (``detail``, e.g. ``KeyError: 'clv'``, for the log and the maintainers).

    The library's own errors (data, parameters, insufficient data) carry a sentence for
    the manager, which becomes the message; any other exception is a bug in the program.
    """
    first = _first_line(evalue)
    detail = f"{ename}: {first}".rstrip(": ")
    if ename in _error_names() and first:
        return ReportFailure(message=first, detail=detail)
    return ReportFailure(message=UNEXPECTED, detail=detail)


def _running_cell(nb) -> int | None:
    """The cell that was running when execution stopped: the last one that started."""
    started = [
        i
        for i, c in enumerate(nb.cells)
        if c.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    return started[-1] if started else None


#: The papermill engine of :func:`execute_report` (:func:`_engine_name`).
ENGINE = "salesmeasure"
_ENGINE_REGISTERED = False


def _engine_name() -> str:
    """Register (once per process) papermill's nbclient engine writing the executed
    notebook once, when the run ends, instead of after every cell's start and end.

    papermill rewrites the whole notebook (``nbformat.writes``: validated, then written)
    about twice per cell, each time larger, read by nobody: 92 writes, 0.69 s, for the
    target report's 45 cells; 74 writes, 0.42 s, for the survey report (measured). The
    one write that is read is papermill's own last one (``notebook_complete``, in a
    ``finally``: after a failing cell, a timeout or a dead kernel too, with the running
    cell still marked running), and it is kept: the file is the same as before. With
    ``request_save_on_cell_execute=False`` papermill would not write that one either
    after a timeout or a dead kernel, and the failure could not name its section.
    """
    global _ENGINE_REGISTERED
    if _ENGINE_REGISTERED:
        return ENGINE
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class LastWriteManager(NotebookExecutionManager):
        final = False

        def save(self, **kwargs):
            if self.final:
                super().save(**kwargs)
            else:
                self.last_save_time = self.now()

        def notebook_complete(self, **kwargs):
            self.final = True
            super().notebook_complete(**kwargs)

    class LastWriteEngine(NBClientEngine):
        @classmethod
        def execute_notebook(
            cls,
            nb,
            kernel_name,
            output_path=None,
            progress_bar=True,
            log_output=False,
            autosave_cell_every=30,
            **kwargs,
        ):
            # papermill's Engine.execute_notebook with the manager above
            nb_man = LastWriteManager(
                nb,
                output_path=output_path,
                progress_bar=progress_bar,
                log_output=log_output,
                autosave_cell_every=autosave_cell_every,
            )
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(ENGINE, LastWriteEngine)
    _ENGINE_REGISTERED = True
    return ENGINE


def execute_report(
    report,
    *,
    kernel_name: str | None = None,
    km=None,
    start_timeout: float = 120,
    execution_timeout: float | None = 600,
    workdir: str | None = None,
) -> ExecResult:
    """Execute one report's notebook with the papermill Python API.

    Never raises for a notebook failure: the failing cell and its message (ANSI colours
    stripped, no traceback) go into ``ExecResult.error``; the partly executed notebook
    (with papermill's error banner) into ``ExecResult.notebook_json``.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    kernel_name = kernel_name or resolve_kernel()
    started = time.time()
    t0 = time.perf_counter()
    error = None
    tmpdir = tempfile.mkdtemp(prefix="sm-exec-", dir=workdir)
    out = Path(tmpdir) / "out.ipynb"
    extra = {"km": km} if km is not None else {"cwd": str(Path(report.notebook_path).parent)}
    try:
        pm.execute_notebook(
            report.notebook_path,
            str(out),
            engine_name=_engine_name(),
            parameters=dict(report.parameters),
            kernel_name=kernel_name,
            language="python",
            progress_bar=False,
            log_output=False,
            start_timeout=start_timeout,
            execution_timeout=execution_timeout,
            **extra,
        )
    except PapermillExecutionError as exc:
        cell = exc.cell_index
        nb = _without_banner(nbformat.read(out, as_version=4)) if out.exists() else None
        user_cell = _user_cell_index(nb, cell)
        error = replace(
            failure(exc.ename, exc.evalue),
            cell=None if user_cell is None else user_cell + 1,
            section=_section_of(nb, cell) if nb is not None else "",
        )
    except Exception as exc:  # kernel died, cell timeout, kernel failed to start ...
        nb = _without_banner(nbformat.read(out, as_version=4)) if out.exists() else None
        cell = _running_cell(nb) if nb is not None else None
        user_cell = _user_cell_index(nb, cell)
        detail = f"{type(exc).__name__}: {_first_line(str(exc))}".rstrip(": ")
        if type(exc).__name__ == "CellTimeoutError":
            msg = f"a step ran longer than {execution_timeout:g} s (--cell-timeout)"
        elif type(exc).__name__ == "DeadKernelError":
            msg = "the notebook's Python process died (out of memory?)"
        else:
            msg = f"the notebook could not be run: {_first_line(str(exc)) or detail}"
        error = ReportFailure(
            message=msg,
            detail=detail,
            cell=None if user_cell is None else user_cell + 1,
            section=_section_of(nb, cell) if nb is not None else "",
        )
    text = out.read_text(encoding="utf-8") if out.exists() else None
    for f in Path(tmpdir).iterdir():
        f.unlink()
    os.rmdir(tmpdir)
    return ExecResult(
        report_id=report.id,
        ok=error is None,
        notebook_json=text,
        error=error,
        started=started,
        seconds=time.perf_counter() - t0,
    )


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def _without_banner(nb):
    """The notebook's cells as executed: papermill's error banner (inserted on top after
    the run, so not counted in ``PapermillExecutionError.cell_index``) removed."""
    if nb is None:
        return None
    nb = nb.copy()
    nb.cells = [c for c in nb.cells if "papermill-error-cell-tag" not in _tags(c)]
    return nb


def _user_cell_index(nb, cell_index):
    """0-based index among the notebook's own cells (papermill's injected cell not counted)."""
    if nb is None or cell_index is None:
        return cell_index
    injected = sum("injected-parameters" in _tags(c) for c in nb.cells[:cell_index])
    return cell_index - injected


# --------------------------------------------------------------------------- warm kernel

_WARM_CODE = """
def _salesmeasure_warm(mods):
    import importlib, os, sys, types, warnings

    import pkgutil

    for m in mods:
        try:
            if m.endswith(".*"):
                pkg = importlib.import_module(m[:-2])
                for info in pkgutil.walk_packages(pkg.__path__, m[:-1]):
                    if not info.name.split(".")[1].startswith(("cli", "render", "_")):
                        try:
                            importlib.import_module(info.name)
                        except Exception:
                            pass
            else:
                importlib.import_module(m)
        except Exception:
            pass
    if "matplotlib.pyplot" in sys.modules:
        # Resolve the backend before the snapshot: in a kernel this loads the inline
        # backend, which turns on interactive mode and registers its figure flush, as a
        # fresh kernel does at its first chart. A snapshot taken before that would
        # restore interactive mode off before every report, and no chart would be shown.
        sys.modules["matplotlib.pyplot"].switch_backend(sys.modules["matplotlib"].get_backend())
    st = types.ModuleType("_salesmeasure_kernel_state")
    st.filters = list(warnings.filters)
    st.rc = dict(sys.modules["matplotlib"].rcParams) if "matplotlib" in sys.modules else None
    try:
        from matplotlib_inline.config import InlineBackend

        ib = InlineBackend.instance()
        keys = ("figure_formats", "rc", "print_figure_kwargs", "close_figures")
        st.inline = {k: getattr(ib, k) for k in keys}
    except Exception:
        st.inline = None

    def restore(cwd):
        # the state a fresh kernel would have, after the warm imports
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if "matplotlib.pyplot" in sys.modules:
                sys.modules["matplotlib.pyplot"].close("all")
            if st.rc is not None:
                dict.update(sys.modules["matplotlib"].rcParams, st.rc)
            if "pandas" in sys.modules:
                sys.modules["pandas"].reset_option("all")
            if st.inline:
                from matplotlib_inline.config import InlineBackend

                for k, v in st.inline.items():
                    setattr(InlineBackend.instance(), k, v)
        warnings.filters[:] = st.filters
        os.chdir(cwd)

    st.restore = restore
    sys.modules["_salesmeasure_kernel_state"] = st


_salesmeasure_warm(__MODS__)
del _salesmeasure_warm
"""

#: Before each report: empty namespace and history (execution count 1), restored state.
_RESET_CODE = """get_ipython().reset(new_session=True, aggressive=False)
__import__("sys").modules["_salesmeasure_kernel_state"].restore({cwd!r})
"""


#: What jupyter_client says of a kernel that never answered its first request.
_NOT_STARTED = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")


def _did_not_start(error: ReportFailure | None) -> bool:
    """A failure before the notebook's first cell because its kernel did not start."""
    return (
        error is not None
        and error.cell is None
        and any(text in (error.detail or "") for text in _NOT_STARTED)
    )


class KernelRunner:
    """Runs reports one after another in a reused, reset kernel (one per worker process)."""

    def __init__(
        self,
        kernel_name: str | None = None,
        *,
        isolate: bool = False,
        start_timeout: float = 120,
        execution_timeout: float | None = 600,
        max_reports_per_kernel: int = 25,
        start_attempts: int = 3,
    ):
        self.kernel_name = kernel_name or resolve_kernel()
        self.isolate = isolate
        self.start_timeout = start_timeout
        self.execution_timeout = execution_timeout
        self.max_reports = max_reports_per_kernel
        self.start_attempts = max(1, start_attempts)
        self.km = None
        self.used = 0

    def _start(self, timeout: float | None = None) -> None:
        # an *async* manager: nbclient then polls with an async client, so its cell
        # timeout works (with a blocking client its output poll blocks the event loop)
        from jupyter_client import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.km = AsyncKernelManager(kernel_name=self.kernel_name)
        run_sync(self.km.start_kernel)()
        self._run(_WARM_CODE.replace("__MODS__", repr(WARM_IMPORTS)), timeout or self.start_timeout)
        self.used = 0

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.km is not None and run_sync(self.km.is_alive)()

    def _run(self, code: str, timeout: float) -> None:
        # A new client each time (one kept open across papermill runs gets no replies).
        # Only the shell reply is awaited: no kernel_info handshake or iopub, which can
        # miss their first messages on a busy machine.
        from jupyter_client import BlockingKernelClient

        kc = BlockingKernelClient()
        kc.load_connection_info(self.km.get_connection_info())
        kc.start_channels(iopub=False, stdin=False, hb=False, control=False)
        try:
            msg_id = kc.execute(code, silent=True, store_history=False)
            deadline = time.monotonic() + timeout
            while True:
                left = deadline - time.monotonic()
                try:  # a second at a time: a kernel that died is seen at once, not at the deadline
                    reply = kc.get_shell_msg(timeout=max(0.1, min(1.0, left)))
                except queue.Empty:  # str() of it is empty: say what happened
                    exited = self._exit_code()
                    if exited is not None:
                        raise RuntimeError(f"the kernel exited (code {exited})") from None
                    if left <= 1.0:
                        raise TimeoutError(
                            f"the kernel did not reply within {timeout:g} s"
                        ) from None
                    continue
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
        finally:
            kc.stop_channels()
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel set-up failed: {reply['content'].get('evalue', '')}")

    def _exit_code(self) -> int | None:
        """The kernel process's exit code once it has exited, else ``None``."""
        proc = getattr(getattr(self.km, "provisioner", None), "process", None)
        code = proc.poll() if proc is not None and hasattr(proc, "poll") else None
        return None if code is None else int(code)

    def _ready(self, report) -> ReportFailure | None:
        """A started (or reused) kernel, reset for ``report``; ``None`` when ready.

        A kernel that does not start or answer in time is replaced and tried again, up
        to ``start_attempts`` times, each with a longer wait: on a loaded machine (two
        cores, several batches) a first start can miss its deadline and the next one
        succeed. Each retry is one line on stderr, i.e. in the batch's kernel log.
        """
        reasons = []
        for attempt in range(1, self.start_attempts + 1):
            try:
                if not self._alive() or self.used >= self.max_reports:
                    self.stop()
                    self._start(self.start_timeout * attempt)
                self._run(
                    _RESET_CODE.format(cwd=str(Path(report.notebook_path).parent)),
                    max(60.0, self.start_timeout) * attempt,
                )
                return None
            except Exception as exc:
                self.stop()
                reasons.append(_first_line(str(exc)) or type(exc).__name__)
                if attempt < self.start_attempts:
                    self._note_retry(report, attempt, reasons[-1])
        return self._not_started(reasons[-1])

    def kernel_for(self, notebook_path):
        """The warm kernel's manager, started if need be and reset for a notebook in
        ``notebook_path``'s folder, as :meth:`run` prepares it for a report: for running a
        notebook in it with papermill's ``km=`` (the tests' notebook runs). Raises
        ``RuntimeError`` naming the reason when no kernel starts; call :meth:`stop` after
        a failed run, as :meth:`run` does (its state is unknown)."""
        from types import SimpleNamespace

        error = self._ready(SimpleNamespace(id=str(notebook_path), notebook_path=notebook_path))
        if error is not None:
            raise RuntimeError(f"{error.message}: {error.detail}")
        self.used += 1
        return self.km

    def stop(self) -> None:
        from jupyter_core.utils import run_sync

        if self.km is not None and self.km.has_kernel:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:
                pass
        self.km = None

    def _isolated(self, report) -> ExecResult:
        """``report`` in a kernel of its own that papermill starts (``--isolate``: nothing
        of ours pre-imported or reset in it, as a new kernel's "Run All"). A kernel that
        dies or does not answer before the first cell is started again, as :meth:`_ready`
        does for a reused one: up to ``start_attempts`` times, each waiting longer, each
        retry one line in the kernel log."""
        reasons = []
        for attempt in range(1, self.start_attempts + 1):
            result = execute_report(
                report,
                kernel_name=self.kernel_name,
                start_timeout=self.start_timeout * attempt,
                execution_timeout=self.execution_timeout,
            )
            if result.ok or not _did_not_start(result.error):
                return result
            reasons.append(result.error.detail.split(": ", 1)[-1])
            if attempt < self.start_attempts:
                self._note_retry(report, attempt, reasons[-1])
        return replace(result, error=self._not_started(reasons[-1]))

    def _note_retry(self, report, attempt: int, reason: str) -> None:
        """One line in the batch's kernel log (stderr) for a kernel started again."""
        print(
            f"salesmeasure: {report.id}: the notebook's Python process could not "
            f"be started (attempt {attempt} of {self.start_attempts}: "
            f"{reason}); starting a new one",
            file=sys.stderr,
            flush=True,
        )

    def _not_started(self, reason: str) -> ReportFailure:
        return ReportFailure(
            "the notebook's Python process could not be started",
            detail=f"{self.start_attempts} attempts; the last: {reason}",
        )

    def run(self, report) -> ExecResult:
        if self.isolate:
            return self._isolated(report)
        error = self._ready(report)
        if error is not None:
            return ExecResult(report.id, False, None, error, time.time(), 0.0)
        self.used += 1
        result = execute_report(
            report,
            kernel_name=self.kernel_name,
            km=self.km,
            start_timeout=self.start_timeout,
            execution_timeout=self.execution_timeout,
        )
        if not result.ok:  # never reuse a kernel after a failure: its state is unknown
            self.stop()
        return result
