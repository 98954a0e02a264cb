"""Step 3-4 of a batch for one report: export the executed notebook, print it, and record
what happened, so that a write error (a full disk) fails that report in words and the
batch can stop cleanly instead of ending in a traceback."""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime
from pathlib import Path

from salesmeasure import format as sm_format
from salesmeasure.i18n import N_, _, get_language
from salesmeasure.report import data_name

from . import guard
from .export import export_html, title_of
from .options import parameter_rows
from .planner import ALL, Report
from .store import ReportFailure, ReportRecord, WriteFailed, atomic_write

__all__ = ["KERNEL_MODES", "Writer", "mask_log", "write_failure"]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


#: How a report's kernel was run, in words for the provenance (translated where shown).
KERNEL_MODES = {"fresh": N_("fresh kernel"), "reused, reset": N_("reused, reset kernel")}


class Writer:
    """Export and write one executed report: ipynb, HTML, PDF and its record."""

    def __init__(
        self, *, formats, printer, fingerprint, as_of, version, kernel_mode, data_source="",
        nav=None,
    ):  # fmt: skip
        self.data_source = data_source
        self.nav = nav  # report -> navigation bar (see batch.report_navigation), or None
        self.formats = formats
        self.printer = printer
        self.fingerprint = fingerprint
        self.as_of = as_of
        self.version = version
        self.kernel_mode = kernel_mode
        #: the first write that found the disk full: the batch stops after it
        self.disk_full: WriteFailed | None = None

    def header(self, report: Report, nb, exec_seconds: float, title: str) -> dict:
        pm_meta = nb.metadata.get("papermill", {})
        params = pm_meta.get("parameters") or report.parameters

        region = (
            _("All regions (consolidated)")
            if report.region == ALL
            else sm_format.label("region", report.region)
        )
        return {
            "lang": get_language(),
            "nav": self.nav(report) if self.nav is not None else None,
            "title": title,
            "period": sm_format.period(report.period),
            "region": region,
            "generated": _now(),
            # the data set by name and date; its full location is in the provenance
            "data": _("{name}, as of {date}").format(
                name=data_name(self.data_source), date=sm_format.date(self.as_of)
            )
            if self.data_source
            else "",
            "parameters": parameter_rows(nb, params),
            # the collapsed footer: what identifies the numbers, never where they were
            # computed (no local path, cache key, kernel, timings or tool versions: those
            # stay in the report's .json record and the period's manifest for analysts)
            "provenance": [
                (_("Data"), data_name(self.data_source) if self.data_source else ""),
                (_("Data fingerprint"), self.fingerprint),
                (_("Data as of"), sm_format.date(self.as_of) if self.as_of else ""),
                ("salesmeasure", self.version),
                (
                    _("Notebook"),
                    _("{file}, version {version}").format(
                        file=report.notebook, version=report.notebook_version
                    ),
                ),
            ],
        }

    def publish(self, report: Report, nb, durations: dict, started: str) -> ReportRecord:
        """Export HTML (and PDF) from an executed notebook and record success."""
        title = title_of(nb, report.notebook)
        outputs = {"ipynb": f"{report.notebook}.ipynb"}
        t0 = time.perf_counter()
        html, headline, _toc = export_html(
            nb, self.header(report, nb, durations.get("execute", 0), title)
        )
        atomic_write(report.path("html"), html)
        outputs["html"] = f"{report.notebook}.html"
        durations["export"] = time.perf_counter() - t0
        if "pdf" not in self.formats:  # an older PDF would no longer match the HTML
            report.path("pdf").unlink(missing_ok=True)
        elif self.printer is not None:
            t0 = time.perf_counter()
            self.printer.print(report.path("html"), report.path("pdf"))
            outputs["pdf"] = f"{report.notebook}.pdf"
            durations["pdf"] = time.perf_counter() - t0
        return self._record(
            report,
            "ok",
            outputs=outputs,
            headline=headline,
            durations=durations,
            started=started,
            title=title,
        )

    def _record(self, report: Report, status: str, **kw) -> ReportRecord:
        rec = ReportRecord(
            id=report.id,
            notebook=report.notebook,
            period=report.period,
            region=report.region,
            region_slug=report.region_slug,
            key=report.key,
            status=status,
            notebook_version=report.notebook_version,
            **kw,
        )
        rec.durations = {k: round(v, 3) for k, v in rec.durations.items()}
        if rec.error is not None:  # a message never shows a password
            rec.error = ReportFailure(
                guard.mask_secrets(rec.error.message),
                cell=rec.error.cell,
                section=rec.error.section,
                detail=guard.mask_secrets(rec.error.detail),
            )
        try:
            atomic_write(report.path("json"), rec.to_json())
        except WriteFailed as exc:  # the index still shows it: the batch passes it on
            self._note(exc)
            if rec.status != "failed":
                rec.status, rec.error = "failed", ReportFailure(str(exc))
        return rec

    def _note(self, exc: WriteFailed) -> None:
        if exc.disk_full and self.disk_full is None:
            self.disk_full = exc

    def handle(self, report: Report, result) -> ReportRecord:
        """Write what a worker returned; a failure keeps its notebook and drops stale exports."""
        import nbformat

        started = datetime.fromtimestamp(result.started, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        durations = {"execute": result.seconds}
        nb, saved = None, False
        error = result.error or ReportFailure("failed without a message")
        try:
            if result.notebook_json:
                nb = nbformat.reads(result.notebook_json, as_version=4)
                atomic_write(report.path("ipynb"), result.notebook_json)
                saved = True
            if result.ok and nb is not None:
                return self.publish(report, nb, durations, started)
        except WriteFailed as exc:  # a full disk, a read-only folder: this report fails
            self._note(exc)
            error = ReportFailure(str(exc))
        except Exception as exc:  # an export/PDF problem fails this report only
            error = ReportFailure(f"export failed: {type(exc).__name__}: {str(exc)[:300]}")
        title = title_of(nb, report.notebook) if nb is not None else report.notebook
        for ext in ("html", "pdf"):  # never leave an old report looking current
            with contextlib.suppress(OSError):
                report.path(ext).unlink(missing_ok=True)
        outputs = {"ipynb": f"{report.notebook}.ipynb"} if saved else {}
        return self._record(
            report,
            "failed",
            error=error,
            outputs=outputs,
            durations=durations,
            started=started,
            title=title,
        )

    def refresh(self, report: Report, rec: ReportRecord) -> ReportRecord:
        """Cached execution, missing export: export/print again without executing."""
        import nbformat

        nb = nbformat.read(report.path("ipynb"), as_version=4)
        return self.publish(report, nb, dict(rec.durations), rec.started)


def mask_log(path: Path) -> None:
    """Mask any password the kernels printed into the batch's ``render.log``."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    masked = guard.mask_secrets(text)
    if masked != text:
        with contextlib.suppress(OSError):
            atomic_write(path, masked)


def write_failure(report: Report, exc: WriteFailed):
    """An execution result that failed on writing ``exc`` (for :meth:`Writer.handle`)."""
    from .execute import ExecResult

    return ExecResult(report.id, False, None, ReportFailure(str(exc)), time.time(), 0.0)
