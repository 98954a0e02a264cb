"""The batch: plan -> execute -> export -> pdf -> index, with an incremental cache."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from salesmeasure import format as fmt
from salesmeasure.data import snapshot as _snapshot
from salesmeasure.errors import ParameterError, PeriodError, SalesmeasureError
from salesmeasure.i18n import DEFAULT as DEFAULT_LANGUAGE
from salesmeasure.i18n import LANGUAGE_NAMES, _, language

from . import guard
from . import index as _index
from . import pool as _pool
from .export import library_hash, navigation, template_dir, template_hash
from .index import write_period_index, write_root_index
from .options import (
    _declared_parameters,
    check_period_in_data,
    notebook_parameters,
    parse_formats,
    select_notebooks,
    select_regions,
)
from .pdf import PdfPrinter
from .planner import ALL, Report, period_slug, plan, region_slugs
from .store import ReportRecord, WriteFailed, read_record
from .writer import Writer, mask_log, write_failure

__all__ = [
    "RenderSummary",
    "render",
    "parse_formats",
    "select_notebooks",
    "select_regions",
    "project_root",
]


def project_root() -> Path:
    """The project folder (holding ``notebooks/``, ``templates/``, ``data/sample``)."""
    return Path(__file__).resolve().parents[3]


@dataclass
class RenderSummary:
    """What a batch did; ``ok`` is False when any report failed."""

    period: str
    out: Path
    records: list[ReportRecord]
    formats: tuple[str, ...]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: Ctrl-C stopped the batch; ``planned`` reports were to be written
    interrupted: bool = False
    planned: int = 0
    #: the batch stopped on a full disk (the write that failed, in words)
    stopped: str = ""
    #: the index pages could not be written (why, in words)
    index_error: str = ""

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.records)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0 and not self.stopped and not self.index_error

    def describe(self) -> str:
        lines = []
        if self.interrupted:
            lines.append(
                f"Interrupted: {len(self.records)} of {self.planned} reports for {self.period} "
                f"were finished in {self.seconds:.1f} s; the rest were not rendered."
            )
        lines.append(
            f"{len(self.records)} reports for {self.period} in {self.seconds:.1f} s: "
            f"{self.count('ok')} rendered, {self.count('skipped')} unchanged (cached), "
            f"{self.count('failed')} failed; formats {', '.join(self.formats)}."
        )
        for r in self.records:
            if r.status == "failed" and r.error:
                detail = r.error.detail
                extra = f" ({detail})" if detail and r.error.message not in detail else ""
                lines.append(f"  FAILED {r.id}: {r.error.describe()}{extra}")
        if self.stopped:
            left = self.planned - len(self.records)
            lines.append(
                f"Stopped: {self.stopped}; {left} of {self.planned} reports were not rendered. "
                "Free some space and run the same command again (finished reports are kept)."
            )
        lines += self.notes
        period_dir = self.out / period_slug(self.period)
        if not self.ok and (period_dir / "render.log").exists():
            lines.append(f"Kernel messages: {period_dir / 'render.log'}")
        if self.index_error:
            lines.append(f"The index could not be written: {self.index_error}")
        else:
            lines.append(f"Index: {period_dir / 'index.html'}")
        return guard.mask_secrets("\n".join(lines))


def _scorecards(ds, period: str, regions: list[str], currency: str = "", data=None) -> dict:
    """Headline KPIs per region for the index (:func:`.index.scorecards`), amounts in the
    reports' currency: the ``currency`` parameter, else the data's ``salesmeasure.toml``
    (what :func:`salesmeasure.report.prepare` gives the notebooks; the batch never calls
    it, so without this the index showed amounts without their currency); statuses by the
    thresholds of that file's ``[kpi.thresholds]``, as the executive summary judges them
    (the index used the defaults: its symbol could say on track where the summary said
    act)."""
    from salesmeasure import config as sm_config
    from salesmeasure.report import _set_currency
    from salesmeasure.targets.kpi_targets import config_thresholds

    where = data if data is not None else ds.source
    _set_currency(str(currency or ""), where)
    try:
        thresholds = config_thresholds(sm_config.find(str(where) if where else None).settings)
    except SalesmeasureError:  # a bad [kpi] table: the summary reports say so
        thresholds = None
    return _index.scorecards(ds, period, regions, thresholds=thresholds)


def _kept_lines(ds, period: str, regions: list[str], currency: str = "", data=None) -> dict:
    """The index lines that the regions' executive summaries kept in the books
    (:func:`salesmeasure.headlines.kept`): region -> line, for those found."""
    from salesmeasure import config as sm_config
    from salesmeasure import headlines
    from salesmeasure.report import _set_currency

    where = data if data is not None else ds.source
    try:
        _set_currency(str(currency or ""), where)
        settings = sm_config.find(str(where) if where else None).settings.get("kpi", {})
        found = {r: headlines.kept(ds, period, r, settings) for r in regions}
    except Exception:  # noqa: BLE001 -- never fails a batch: the lines are computed instead
        return {}
    return {r: line for r, line in found.items() if line is not None}


def _index_lines(ds, period: str, regions, currency="", data=None, kept=None) -> dict:
    """Every region's index line: those kept by its summary, the others computed
    (:func:`_scorecards`; a bug there leaves them out, as a failed report would)."""
    kept = dict(kept or {})
    missing = [r for r in regions if r not in kept]
    if missing:
        try:
            kept.update(_scorecards(ds, period, missing, currency, data))
        except Exception:  # noqa: BLE001 -- the index is still written
            logging.getLogger(__name__).exception("index scorecards")
    return kept


#: ``--jobs``' default when set: a whole number of worker processes, e.g. ``1`` where
#: renders run side by side (a test runner's or a scheduler's parallel jobs, each given
#: one CPU, as ``OMP_NUM_THREADS=1`` is): a pool of one worker per render then starts one
#: kernel, not one per CPU that the other renders keep busy.
JOBS_ENV = "SALESMEASURE_JOBS"


def default_jobs() -> int:
    """``--jobs``' default: ``$SALESMEASURE_JOBS`` when set, else :func:`usable_cpus`.
    A value that is not a whole number of at least 1 raises :class:`ParameterError`
    naming the variable and the value (before the data is read or a kernel starts)."""
    raw = os.environ.get(JOBS_ENV, "").strip()
    if not raw:
        return usable_cpus()
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if n < 1:
        raise ParameterError(
            f"${JOBS_ENV} must be a whole number of worker processes, at least 1, got {raw!r}"
        )
    return n


def usable_cpus() -> int:
    """The CPUs this process may run on (``--jobs``' default): its CPU affinity where the
    system has one (``taskset``, a container's cpuset), else every CPU. ``os.cpu_count()``
    counts the machine's, which would start a kernel per CPU that the batch cannot use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no affinity on macOS and Windows
        return os.cpu_count() or 1


def lang_root(out: Path, lang: str) -> Path:
    """Where a language's reports go: ``out`` for English, ``out/<lang>`` otherwise."""
    return Path(out) if lang == DEFAULT_LANGUAGE else Path(out) / lang


def language_links(root_out: Path, lang: str, languages=(), period: str | None = None):
    """``[(name, href, current)]`` for the language switch of an index page.

    A language is linked when it is rendered by the same command (``languages``) or its
    index page already exists under ``root_out``; empty when there is only one.
    """
    root_out = Path(root_out)
    here = lang_root(root_out, lang) / (period or "")
    links = []
    for code, name in LANGUAGE_NAMES.items():
        page = lang_root(root_out, code) / (period or "") / "index.html"
        if code == lang or code in set(languages or ()) or page.exists():
            links.append((name, Path(os.path.relpath(page, here)).as_posix(), code == lang))
    return links if len(links) > 1 else []


def report_navigation(
    report: Report, *, regions, root_out: Path, lang: str, languages=(), period: str
) -> dict:
    """The navigation bar of ``report``: the period's index, the same notebook for each
    region of the batch (``regions``, ``all`` first) and in each language rendered by the
    same command or already on disk under ``root_out``; links relative to the report."""
    slugs = region_slugs([r for r in regions if r != ALL])
    here = Path(report.path("html"))
    period_dir = lang_root(root_out, lang) / period_slug(period)
    name = here.name
    region_links = [
        (_("All regions") if r == ALL else fmt.label("region", r), period_dir / slugs[r] / name)
        for r in regions
    ]
    language_pages = []
    for code, lang_name in LANGUAGE_NAMES.items():
        page = lang_root(root_out, code) / period_slug(period) / report.region_slug / name
        if code == lang or code in set(languages or ()) or page.exists():
            language_pages.append((lang_name, here if code == lang else page))
    return navigation(
        here, index=period_dir / "index.html", regions=region_links, languages=language_pages
    )


def _with_language(params: dict, nb_paths, lang: str) -> dict:
    """Give ``lang`` to each notebook whose parameters cell declares it."""
    for p in nb_paths:
        if "lang" in _declared_parameters(p):
            params.setdefault(p.stem, {})["lang"] = lang
    return params


def _cached(report: Report, formats, force: bool):
    """``("skip" | "export" | "run", record)`` for a report given what is on disk."""
    rec = read_record(report.path("json"))
    if force or rec is None or rec.key != report.key or rec.status not in ("ok", "skipped"):
        return "run", rec
    if not report.path("ipynb").exists():
        return "run", rec
    if all(report.path(f).exists() for f in formats):
        return "skip", rec
    return "export", rec


def _in_language(fn):
    """Run a batch in its report language (headers, index pages and scorecards follow it)."""

    @functools.wraps(fn)
    def wrapper(*args, lang: str = "en", **kwargs):
        with language(lang) as key:
            return fn(*args, lang=key, **kwargs)

    return wrapper


@_in_language
def render(
    period: str,
    *,
    data: str | Path | None = None,
    out: str | Path = "reports",
    regions: str | list | None = "all",
    notebooks: str | list | None = "all",
    notebooks_dir: str | Path | None = None,
    formats: str | None = "auto",
    chromium: str | None = None,
    jobs: int | None = None,
    force: bool = False,
    scheduler=None,
    isolate: bool = False,
    start_timeout: float = 120,
    execution_timeout: float | None = 600,
    report_timeout: float = 1800,
    parameters: dict | None = None,
    progress: bool = True,
    lang: str = "en",
    languages=(),
    config: str | Path | None = None,
) -> RenderSummary:
    """Render every notebook x region for one period to HTML (and PDF); write the indexes.

    Parameters
    ----------
    period : str
        A period label (``"2026Q3"``, ``"2026-07"``...) or ``"latest"`` for the latest
        complete quarter of the data.
    data : path, optional
        Data directory; default the sample data ``data/sample``.
    out : path
        Output root; reports go to ``<out>/<period>/<region-slug>/<notebook>.*``.
    regions, notebooks : str or list
        ``"all"`` or comma-separated names.
    formats : str
        ``"auto"`` (HTML, plus PDF when a browser is found), or e.g. ``"html,pdf"``;
        asking for ``pdf`` without a browser raises :class:`ChromiumNotFound`.
    jobs : int, optional
        Worker processes (default: ``$SALESMEASURE_JOBS``, else the CPUs this process may
        use, :func:`default_jobs`).
    force : bool
        Re-render reports whose cache key is unchanged.
    scheduler : str or distributed.Client, optional
        Execute on a Dask cluster (``tcp://host:port``) instead of local processes.
    isolate : bool
        A fresh kernel per report instead of a reused, reset kernel per worker.
    start_timeout, execution_timeout, report_timeout : float
        Kernel start, per cell, and whole-report limits in seconds.
    parameters : dict, optional
        Notebook parameters to override (e.g. ``{"attainability": "0.8"}``); each
        notebook gets those it declares, converted to the declared type.

    Returns
    -------
    RenderSummary
        Never raises for a failing notebook: see ``summary.ok``.

    Other parameters
    ----------------
    lang : str
        Report language, ``"en"`` (default) or ``"zh-CN"``: passed to every notebook that
        declares a ``lang`` parameter, part of the cache key, and the language of the
        headers and index pages. English reports stay at ``<out>/<period>/...``; another
        language gets its own tree ``<out>/<lang>/<period>/...`` with its own indexes.
    languages : iterable of str
        Every language rendered by the same command (``--lang en,zh-CN``): the index
        pages link to each (and to any language already rendered under ``out``).
    config : path, optional
        A ``salesmeasure.toml`` to read the data with (``--config``), used by the batch
        and, through ``$SALESMEASURE_CONFIG``, by every notebook kernel it starts.

    Raises
    ------
    OutDirBusy
        Another batch is writing into ``out`` (:func:`.guard.lock_out_dir`).
    ParameterError
        ``out`` cannot hold reports, the period is after the data ends, or a
        ``parameters`` value is outside its declared range (before any kernel starts).
    """
    from salesmeasure.config import CONFIG_ENV

    from . import without_slow_iri_checker

    without_slow_iri_checker()  # before the first notebook is read
    root_out = guard.check_out_dir(Path(out).resolve())
    kwargs = dict(
        data=data, out=root_out, regions=regions, notebooks=notebooks,
        notebooks_dir=notebooks_dir, formats=formats, chromium=chromium, jobs=jobs,
        force=force, scheduler=scheduler, isolate=isolate, start_timeout=start_timeout,
        execution_timeout=execution_timeout, report_timeout=report_timeout,
        parameters=parameters, progress=progress, lang=lang, languages=languages,
    )  # fmt: skip
    with guard.lock_out_dir(root_out, command=" ".join(sys.argv)):
        if config is None or str(config) == "":
            return _render(period, config=None, **kwargs)
        config = Path(config).expanduser().resolve()
        previous = os.environ.get(CONFIG_ENV)
        os.environ[CONFIG_ENV] = str(config)  # the workers and kernels started from now on
        try:
            return _render(period, config=config, **kwargs)
        finally:
            if previous is None:
                os.environ.pop(CONFIG_ENV, None)
            else:
                os.environ[CONFIG_ENV] = previous


def _render(
    period: str,
    *,
    data,
    out,
    regions,
    notebooks,
    notebooks_dir,
    formats,
    chromium,
    jobs,
    force,
    scheduler,
    isolate,
    start_timeout,
    execution_timeout,
    report_timeout,
    parameters,
    progress,
    lang,
    languages,
    config,
) -> RenderSummary:
    from tqdm.auto import tqdm

    import salesmeasure
    from salesmeasure import data as sm_data
    from salesmeasure.periods import Period, latest_complete

    t_start = time.perf_counter()
    root = project_root()
    if data is None:
        from salesmeasure.report import default_data_dir

        data = default_data_dir()
    from salesmeasure.sources.sql import public_spec

    data = public_spec(data)  # a database URL's password never reaches a notebook
    notebooks_dir = Path(notebooks_dir) if notebooks_dir is not None else root / "notebooks"
    out = Path(out).resolve()
    root_out, out = out, lang_root(out, lang)
    jobs = jobs or default_jobs()  # a bad $SALESMEASURE_JOBS fails now, not after the work
    fmts, exe, note = parse_formats(formats, chromium)
    notes = [note] if note else []
    guard.check_out_dir(out)  # a wrong --out fails now, in one line, not after the work
    nb_paths = select_notebooks(notebooks, notebooks_dir)
    # every --param typed and in its range before the data is read or a kernel starts
    nb_params = _with_language(notebook_parameters(nb_paths, parameters), nb_paths, lang)

    ds = sm_data.load(data, config=config)
    if str(period).lower() == "latest":
        label = latest_complete(ds.as_of, "Q", fiscal_start_month=ds.fiscal_start_month).label
    else:
        try:
            p = Period.parse(period, fiscal_start_month=ds.fiscal_start_month)
        except PeriodError as exc:
            raise ParameterError(f"--period: {exc}") from None
        check_period_in_data(p, ds)  # the notebooks would refuse it, after the work
        label = p.label
    region_list = select_regions(regions, ds.regions)
    version = getattr(salesmeasure, "__version__", "unknown")
    versions = {
        "salesmeasure": version,
        "template": template_hash(template_dir()),
        "library": library_hash(),
        "lang": lang,
    }
    reports = plan(
        nb_paths,
        region_list,
        period=label,
        data_path=data,
        out=out,
        fingerprint=ds.fingerprint,
        versions=versions,
        notebook_parameters=nb_params,
    )

    as_of = ds.as_of.strftime("%Y-%m-%d") if ds.as_of is not None else "unknown"
    kernel_mode = "fresh" if (isolate or scheduler) else "reused, reset"
    records: dict[str, ReportRecord] = {}
    todo, refresh, last_seconds = [], [], {}
    for r in reports:
        action, rec = _cached(r, fmts, force)
        if action == "skip":
            rec.status = "skipped"
            records[r.id] = rec
        elif action == "export":
            refresh.append((r, rec))
        else:
            todo.append(r)
            last_seconds[r.id] = rec.durations.get("execute", 0.0) if rec else 0.0
    # longest first (by the last run's time), so no worker is left with a long tail;
    # a first run keeps the plan's order (the consolidated reports first)
    todo.sort(key=lambda r: -last_seconds[r.id])

    bar = tqdm(
        total=len(reports),
        unit="report",
        desc=f"render {label}",
        disable=not progress,
        file=sys.stderr,
        dynamic_ncols=True,
    )
    bar.update(len(records))
    # the index lines are the summaries' (headlines), read when the workers are done
    # the kernels read the data loaded and validated above, not the source (issue 13)
    snap = _snapshot.publish(ds, data) if (todo or refresh) and not scheduler else None
    if snap is not None:  # and so does this process: its loaded copy goes back
        ds = snap.dataset
        _snapshot.trim()
    currency = (parameters or {}).get("currency", "")
    kept: dict = {}  # the index lines the summaries kept (headlines), read before the
    # snapshot's books go; the batch computes only the others
    printer = PdfPrinter(exe) if ("pdf" in fmts and (todo or refresh)) else None
    interrupted, results = False, None
    try:
        writer = Writer(
            formats=fmts,
            printer=printer,
            fingerprint=ds.fingerprint,
            as_of=as_of,
            version=version,
            kernel_mode=kernel_mode,
            data_source=ds.source,
            nav=functools.partial(
                report_navigation,
                regions=region_list,
                root_out=root_out,
                lang=lang,
                languages=languages,
                period=label,
            ),
        )
        for r, rec in refresh:
            try:
                records[r.id] = writer.refresh(r, rec)
            except WriteFailed as exc:
                writer._note(exc)
                if writer.disk_full is not None:
                    records[r.id] = writer.handle(r, write_failure(r, exc))
                    break
                todo.append(r)
                continue
            except Exception:
                todo.append(r)
                continue
            bar.update(1)
        if writer.disk_full is not None:
            todo = []
        if scheduler:
            results = _pool.run_dask(
                todo,
                scheduler,
                start_timeout=start_timeout,
                execution_timeout=execution_timeout,
                report_timeout=report_timeout,
                config=config,
            )
        else:
            results = _pool.run_local(
                todo,
                jobs=jobs,
                isolate=isolate,
                start_timeout=start_timeout,
                execution_timeout=execution_timeout,
                report_timeout=report_timeout,
                log_path=out / period_slug(label) / "render.log",
            )
        failed = 0
        for r, result in results:
            rec = writer.handle(r, result)
            records[r.id] = rec
            failed += rec.status == "failed"
            bar.set_postfix(failed=failed, refresh=False)
            bar.update(1)
            if writer.disk_full is not None:  # every next report would fail the same way
                break
    except KeyboardInterrupt:  # Ctrl-C: stop now, keep what finished, index it
        interrupted = True
        guard.exit_within()  # the command ends within seconds, whatever hangs on the way
    finally:
        bar.close()
        kept = _kept_lines(ds, label, region_list, currency, data)
        _snapshot.release(snap)
        with guard.sigint_ignored() if interrupted else contextlib.nullcontext():
            if hasattr(results, "close"):  # stopped early: kill its workers and kernels
                results.close()  # (a no-op when every report finished)
            if interrupted:  # Ctrl-C to the group also stopped the browser's driver: no
                logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # noise about it
            if printer is not None:
                printer.close()
            if interrupted:
                guard.kill_descendants()  # whatever is left (a browser that did not close)
    with guard.sigint_ignored() if interrupted else contextlib.nullcontext():
        return _finish(
            reports,
            records,
            nb_paths=nb_paths,
            label=label,
            out=out,
            root_out=root_out,
            lang=lang,
            languages=languages,
            ds=ds,
            version=version,
            cards=kept
            if interrupted
            else _index_lines(ds, label, region_list, currency, data, kept),
            summary=RenderSummary(
                period=label,
                out=out,
                records=[],
                formats=fmts,
                notes=notes,
                interrupted=interrupted,
                planned=len(reports),
                stopped=str(writer.disk_full) if writer.disk_full is not None else "",
            ),
            t_start=t_start,
        )


def _finish(
    reports,
    records,
    *,
    nb_paths,
    label,
    out,
    root_out,
    lang,
    languages,
    ds,
    version,
    cards,
    summary,
    t_start,
) -> RenderSummary:
    """Write the period index (merged with earlier runs) and the root index."""
    ordered = [records[r.id] for r in reports if r.id in records]
    period_dir = out / period_slug(label)
    titles = {r.notebook: r.title for r in ordered if r.title}
    try:
        write_period_index(
            period_dir,
            period=label,
            notebooks=[(p.stem, titles.get(p.stem, p.stem)) for p in nb_paths],
            regions=[
                (r.region, r.region_slug) for r in reports if r.notebook == reports[0].notebook
            ],
            fingerprint=ds.fingerprint,
            version=version,
            scorecards=guard.merge_scorecards(period_dir, cards),
            languages=language_links(root_out, lang, languages, period_slug(label)),
            current=ordered,
        )
        write_root_index(out, languages=language_links(root_out, lang, languages))
    except OSError as exc:  # a full disk: say so; the reports written are kept
        summary.index_error = str(exc)
    mask_log(period_dir / "render.log")
    summary.records = ordered
    summary.seconds = time.perf_counter() - t_start
    return summary
