"""Running many reports: a pool of local worker processes, or a Dask cluster.

Each local worker owns one :class:`~salesmeasure.render.execute.KernelRunner` (a warm,
reset kernel, or a fresh one per report with ``isolate``); results stream back as they
finish, a report past ``report_timeout`` has its worker and kernel killed, and Ctrl-C
stops every worker and kernel (see :func:`run_local`).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
import traceback
from multiprocessing.connection import wait
from pathlib import Path

from .execute import (
    UNEXPECTED,
    ExecResult,
    KernelRunner,
    _first_line,
    execute_report,
    resolve_kernel,
)
from .store import ReportFailure

__all__ = ["run_local", "run_dask"]

# --------------------------------------------------------------------------- local pool


def _worker_main(
    conn, kernel_name, isolate, start_timeout, execution_timeout, jupyter_path, log_path=None
):
    """Worker process: receive reports, execute them, send back ExecResults.

    Ctrl-C is ignored here: the parent decides, and kills the worker and its kernel.
    """
    import logging
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    os.environ["JUPYTER_PATH"] = jupyter_path
    if log_path:  # kernels inherit fd 1/2: their chatter goes to the log, not the progress bar
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    logging.getLogger("papermill").setLevel(logging.ERROR)
    from salesmeasure.render import without_slow_iri_checker

    without_slow_iri_checker()
    import papermill  # noqa: F401  (import once per worker, not per report)

    runner = KernelRunner(
        kernel_name,
        isolate=isolate,
        start_timeout=start_timeout,
        execution_timeout=execution_timeout,
    )
    try:
        while True:
            try:
                report = conn.recv()
            except EOFError:
                break
            if report is None:
                break
            try:
                result = runner.run(report)
            except Exception as exc:  # a bug in the runner must not hang the parent
                result = ExecResult(
                    report.id,
                    False,
                    None,
                    ReportFailure(
                        UNEXPECTED, detail=f"{type(exc).__name__}: {_first_line(str(exc))}"
                    ),
                    time.time(),
                    0.0,
                )
                traceback.print_exc()
            conn.send(result)
    finally:
        runner.stop()


class _Worker:
    def __init__(self, ctx, args):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, *args), daemon=True)
        self.proc.start()
        child.close()
        self.report = None
        self.since = 0.0

    def kill(self) -> None:
        """Kill the worker and everything it started (its kernel)."""
        try:
            import psutil

            procs = psutil.Process(self.proc.pid).children(recursive=True)
        except Exception:
            procs = []
        for p in procs:
            try:
                p.kill()
            except Exception:
                pass
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


def run_local(
    reports,
    *,
    jobs: int = 2,
    isolate: bool = False,
    start_timeout: float = 120,
    execution_timeout: float | None = 600,
    report_timeout: float = 1800,
    log_path: str | os.PathLike | None = None,
):
    """Execute ``reports`` on ``jobs`` worker processes; yield ``(report, ExecResult)`` as done.

    A report still running after ``report_timeout`` seconds has its worker (and kernel)
    killed and is reported failed; a worker that dies (e.g. out of memory) likewise.
    """
    reports = list(reports)
    if not reports:
        return
    kernel_name = resolve_kernel()
    ctx = mp.get_context("spawn")  # no fork: the parent may hold threads (browser, tqdm)
    if log_path:  # kernel output of this batch only
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        Path(log_path).write_text("")
    args = (
        kernel_name,
        isolate,
        start_timeout,
        execution_timeout,
        os.environ["JUPYTER_PATH"],
        str(log_path) if log_path else None,
    )
    pending = list(reversed(reports))
    workers = [_Worker(ctx, args) for _ in range(max(1, min(jobs, len(reports))))]
    aborted = True  # until the loop ends normally: Ctrl-C, or the caller stopped early
    try:
        while pending or any(w.report is not None for w in workers):
            for w in workers:
                if w.report is None and pending:
                    w.report = pending.pop()
                    w.since = time.time()
                    w.conn.send(w.report)
            busy = [w for w in workers if w.report is not None]
            ready = wait([w.conn for w in busy], timeout=0.5)
            for i, w in enumerate(list(workers)):
                if w.report is None:
                    continue
                result, replace = None, True
                if w.conn in ready:
                    try:
                        result, replace = w.conn.recv(), False
                    except (EOFError, OSError):
                        result = _failed(
                            w.report,
                            w.since,
                            "the process running the report died "
                            f"(exit code {w.proc.exitcode}); out of memory?",
                        )
                elif time.time() - w.since > report_timeout:
                    result = _failed(
                        w.report,
                        w.since,
                        f"the report ran longer than {report_timeout:g} s and was stopped "
                        "(--report-timeout)",
                    )
                elif not w.proc.is_alive():
                    result = _failed(
                        w.report,
                        w.since,
                        f"the process running the report died (exit code {w.proc.exitcode})",
                    )
                if result is None:
                    continue
                report, w.report = w.report, None
                if replace:  # dead or hung: replace the worker (and kill its kernel)
                    w.kill()
                    workers[i] = _Worker(ctx, args)
                yield report, result
        aborted = False
    finally:
        if aborted:  # stop now: no waiting for reports still running
            for w in workers:
                w.kill()
            workers = []
        for w in workers:
            try:
                w.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        for w in workers:
            w.proc.join(10)
            if w.proc.is_alive():
                w.kill()


def _failed(report, since: float, message: str) -> ExecResult:
    return ExecResult(
        report.id,
        False,
        None,
        ReportFailure(message),
        since,
        time.time() - since,
    )


# --------------------------------------------------------------------------- dask


def _dask_task(report, start_timeout, execution_timeout, config=None):
    if config:  # --config: the kernel this task starts reads the data with it
        from salesmeasure.config import CONFIG_ENV

        os.environ[CONFIG_ENV] = str(config)
    return execute_report(
        report,
        kernel_name=resolve_kernel(),
        start_timeout=start_timeout,
        execution_timeout=execution_timeout,
    )


def run_dask(
    reports,
    scheduler,
    *,
    start_timeout: float = 120,
    execution_timeout: float | None = 600,
    report_timeout: float = 1800,
    config=None,
):
    """Submit the same execute work to a Dask distributed cluster; yield results as done.

    ``scheduler`` is an address (``tcp://host:port``) or a ``distributed.Client``. Workers
    need this package installed and the notebooks and data at the same paths (a shared
    file system); they return the executed notebook, and the parent writes every file.
    Every report runs on a fresh kernel with the per-cell ``execution_timeout``. The
    batch as a whole gets ``report_timeout`` seconds per report; reports unfinished by
    then are cancelled and reported failed (a remote worker's kernel is not killed: the
    cell timeout is the guard there).
    """
    from distributed import Client, as_completed

    reports = list(reports)
    own = not isinstance(scheduler, Client)
    client = Client(scheduler, timeout=30) if own else scheduler
    try:
        futures = {
            client.submit(
                _dask_task,
                r,
                start_timeout,
                execution_timeout,
                None if config is None else str(config),
                pure=False,
                key=f"salesmeasure-{r.id}-{time.time_ns()}",
            ): r
            for r in reports
        }
        deadline = time.time() + report_timeout * max(1, len(reports))
        ac = as_completed(futures, timeout=max(1.0, deadline - time.time()))
        try:
            for fut in ac:
                r = futures.pop(fut)
                try:
                    yield r, fut.result()
                except Exception as exc:
                    yield (
                        r,
                        ExecResult(
                            r.id,
                            False,
                            None,
                            ReportFailure(
                                "the report could not be run on the cluster",
                                detail=f"{type(exc).__name__}: {_first_line(str(exc))}",
                            ),
                            time.time(),
                            0.0,
                        ),
                    )
        except TimeoutError:
            for fut, r in futures.items():
                fut.cancel()
                yield (
                    r,
                    _failed(
                        r,
                        time.time(),
                        f"the report ran longer than {report_timeout:g} s and was stopped "
                        "(--report-timeout)",
                    ),
                )
    finally:
        if own:
            client.close()
