"""Command line: ``salesmeasure sample-data | validate | render | notebooks | cache``.

Typer gives typed options, ``--help`` for free and shell completion; errors a user can
fix are printed as one line on stderr with exit code 2, never as a stack trace.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import typer

from salesmeasure import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="salesmeasure: sales-target and customer-relationship reports.",
)


def _masked(text) -> str:
    """``text`` with every password masked (``postgresql://ann:***@db/sales``)."""
    from salesmeasure.render.guard import mask_secrets

    return mask_secrets(text)


def fail(message: str, code: int = 2) -> None:
    """Print ``error: message`` (passwords masked) on stderr and exit with ``code``."""
    typer.echo(f"error: {_masked(message)}", err=True)
    raise typer.Exit(code)


def say(message: str, err: bool = False) -> None:
    """Print a line of the ``render`` command, passwords masked."""
    typer.echo(_masked(message), err=err)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"salesmeasure {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """salesmeasure: sales-target and customer-relationship reports."""
    if Path(sys.argv[0]).stem == "salesmeasure":  # the console command, not pytest's process
        import faulthandler
        import signal

        # `kill -USR2 <pid>` prints every thread's stack to stderr: where a stuck command is
        # (the interrupt tests ask for it when a run does not end; costs nothing otherwise).
        faulthandler.register(signal.SIGUSR2, all_threads=True)


@app.command("sample-data")
def sample_data(
    out: Path = typer.Option(
        Path("data/sample"), "--out", help="Directory to write the tables to."
    ),
    seed: int = typer.Option(42, "--seed", help="Random seed: the same seed gives the same data."),
    customers: int = typer.Option(4000, "--customers", min=50, help="Number of customers."),
    fmt: str = typer.Option(
        "auto", "--format", help="csv, parquet, or auto (Parquet from 100,000 customers on)."
    ),
    defects: bool = typer.Option(
        True, "--defects/--no-defects", help="Inject a few bad rows to exercise the quarantine."
    ),
    as_of: str = typer.Option("2026-11-15", "--as-of", help="Last day of the data (YYYY-MM-DD)."),
    lang: str = typer.Option(
        "en",
        "--lang",
        help="Language of the sample: en, or zh-CN for Chinese names, regions, segments, product lines, complaint categories and comments.",
    ),
) -> None:
    """Generate the synthetic data set with planted truths (generator.json)."""
    from salesmeasure import sample

    if fmt == "auto":
        fmt = "parquet" if customers >= 100_000 else "csv"
    if fmt not in {"csv", "parquet"}:
        fail(f"--format must be csv, parquet or auto, got {fmt!r}")
    try:
        truth = sample.generate(
            out,
            seed=seed,
            customers=customers,
            fmt=fmt,
            as_of=as_of,
            defects=defects,
            lang=lang,
        )
    except ValueError as exc:
        fail(str(exc))
    c = truth["counts"]
    typer.echo(
        f"wrote {out}/ ({fmt}): {c['customers']:,} customers, {c['orders']:,} orders, "
        f"{c['surveys']:,} survey responses, {c['complaints']:,} complaints; "
        f"true parameters in {out}/generator.json"
    )


@app.command("validate")
def validate(
    data_dir: str = typer.Argument(
        ..., help="The data: a folder of CSV/Parquet tables, an .xlsx workbook or a database URL."
    ),
    rejected: Path = typer.Option(
        None,
        "--rejected",
        help="Where to write quarantined rows (CSV). Default: reports/rejected/<dir>_rejected.csv",
    ),
    config: Path = typer.Option(
        None,
        "--config",
        help="salesmeasure.toml to use (default: the one beside the data, if any).",
    ),
) -> None:
    """Check a data source: exit 0 when clean, 1 when rows were quarantined, 2 when it cannot be
    loaded. When the data is written in another format or with other column names, prints the
    salesmeasure.toml lines that would read it."""
    from salesmeasure.data import DataError, load
    from salesmeasure.data.suggest import advice, notes

    try:
        ds = load(data_dir, config=config)
    except Exception as exc:  # a DataError, or a bug: one line either way, never a traceback
        msg = str(exc)
        if not isinstance(exc, DataError):
            first = msg.strip().splitlines()[0] if msg.strip() else type(exc).__name__
            msg = (
                f"{data_dir}: unexpected error while checking the data ({type(exc).__name__}: "
                f"{first}); please report it with the command you ran"
            )
        typer.echo(f"error: {_masked_spec(msg, data_dir)}", err=True)
        for note in _notes(notes, data_dir, config):
            typer.echo(f"{note.level}: {note.text}", err=True)
        hint = advice(data_dir, config)
        if hint:  # on stdout, as valid TOML: `validate DATA > salesmeasure.toml` saves it
            typer.echo(hint)
        raise typer.Exit(2) from None
    summary = ds.summary()
    typer.echo(f"{ds.source}: data up to {ds.as_of:%Y-%m-%d}, fingerprint {ds.fingerprint}")
    typer.echo(summary.to_string(index=False))
    typer.echo(_amounts(ds))
    for line in ds.notes():  # absent tables, what was derived, the loader's warnings
        typer.echo(line)
    remarks = _notes(notes, data_dir, config)
    warnings = [n.text for n in remarks if n.level == "warning"]
    read_as = [n.text for n in remarks if n.level != "warning"]
    if read_as:
        typer.echo("")
        typer.echo("How some values were read:")
        for text in read_as:
            typer.echo(f"- {text}")
    if warnings:
        typer.echo("")
        typer.echo("Warnings (the data loaded, but check these before trusting the numbers):")
        for text in warnings:
            typer.echo(f"- {text}")
        hint = advice(data_dir, config)
        if hint:
            typer.echo("")
            typer.echo(hint.rstrip("\n"))
        typer.echo("")
    if ds.is_clean:
        if warnings:
            typer.echo(
                f"OK: every row passed validation, but {len(warnings)} "
                f"warning{'s' if len(warnings) > 1 else ''} above may mean misread values."
            )
        else:
            typer.echo("OK: every row passed validation.")
        raise typer.Exit(0)
    typer.echo("")
    typer.echo("Rows set aside (quarantined) by reason:")
    typer.echo(ds.quality.to_string(index=False))
    from salesmeasure.data.coerce import FORMULA_REASON

    cells = ds.rejected.loc[ds.rejected["reason"] == FORMULA_REASON, "value"].tolist()
    if cells:
        more = f" and {len(cells) - 5:,} more" if len(cells) > 5 else ""
        typer.echo(
            f"Formula cells without a saved value (open the workbook in Excel and save it): "
            f"{'; '.join(cells[:5])}{more}"
        )
    stem = "database" if "://" in data_dir else Path(data_dir).resolve().stem
    path = rejected or Path("reports") / "rejected" / f"{stem}_rejected.csv"
    ds.write_rejected(path)
    typer.echo(
        f"\n{len(ds.rejected)} rows quarantined; each with file, row, column, value and reason in {path}"
    )
    raise typer.Exit(1)


def _masked_spec(text: str, spec: str) -> str:
    """``text`` with the password of the database URL ``spec`` removed, as written (a
    password with ``@ : / #`` in it too), then every other password (:func:`_masked`):
    every message ``validate`` prints."""
    if "://" not in str(spec):
        return _masked(text)
    from salesmeasure.sources.sql import mask, scrub

    return _masked(scrub(text.replace(str(spec), mask(str(spec))), str(spec)))


def _notes(notes, data_dir, config) -> list:
    try:
        return [
            n._replace(text=_masked_spec(n.text, data_dir))
            for n in notes(data_dir, _config_for(data_dir, config))
        ]
    except Exception:  # a warning pass must never turn a report into a traceback
        return []


def _config_for(data_dir, config):
    from salesmeasure import config as sm_config

    return sm_config.find(data_dir, config)


def _amounts(ds) -> str:
    """One line of the orders' amounts (total, smallest, median, largest, dates): a value
    misread by a factor of 1,000 shows here, where the row counts look the same."""
    o = ds.orders
    if o.empty:
        return "orders: none loaded"
    a = o["amount"]
    return (
        f"orders: amount total {a.sum():,.2f} (smallest {a.min():,.2f}, median {a.median():,.2f}, "
        f"largest {a.max():,.2f}), {o['order_date'].min():%Y-%m-%d} to "
        f"{o['order_date'].max():%Y-%m-%d}"
    )


@app.command("render")
def render(
    period: str = typer.Option(
        "latest",
        "--period",
        help="Period to report (2026Q3, 2026-07, 2026H2, FY2026) or 'latest' complete quarter.",
    ),
    regions: str = typer.Option(
        "all",
        "--regions",
        help="'all' (consolidated + every region) or a comma list, e.g. North,South,all.",
    ),
    notebooks: str = typer.Option(
        "all", "--notebooks", help="'all' or a comma list, e.g. 01_target_setting."
    ),
    formats: str = typer.Option(
        "auto", "--formats", help="html, pdf, html,pdf, or auto (PDF when Chromium is found)."
    ),
    data: str = typer.Option(
        None,
        "--data",
        help="Data: a folder, an .xlsx workbook or a database URL (default: $SALESMEASURE_DATA "
        "or the sample data).",
    ),
    out: Path = typer.Option(
        Path("reports"), "--out", help="Output root: <out>/<period>/<region>/<notebook>.*"
    ),
    jobs: int = typer.Option(
        None,
        "--jobs",
        min=1,
        help="Worker processes (default: $SALESMEASURE_JOBS or the CPUs this process may use).",
    ),
    force: bool = typer.Option(False, "--force", help="Re-render reports that are unchanged."),
    scheduler: str = typer.Option(
        None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786."
    ),
    chromium: str = typer.Option(
        None, "--chromium", help="Chromium/Chrome executable (or $SALESMEASURE_CHROMIUM)."
    ),
    isolate: bool = typer.Option(
        False,
        "--isolate",
        help="A fresh kernel per report (slower) instead of reused, reset kernels.",
    ),
    cell_timeout: float = typer.Option(
        600, "--cell-timeout", help="Seconds one notebook cell may run."
    ),
    report_timeout: float = typer.Option(
        1800, "--report-timeout", help="Seconds one report may run before its worker is killed."
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
    param: list[str] = typer.Option(
        None, "--param", help="Notebook parameter NAME=VALUE (repeatable), e.g. attainability=0.8."
    ),
    notebooks_dir: Path = typer.Option(
        None, "--notebooks-dir", help="Folder of the report notebooks (default: notebooks/)."
    ),
    lang: str = typer.Option(
        "en",
        "--lang",
        help="Report language: en, zh-CN, or both as en,zh-CN (Chinese under <out>/zh-CN/).",
    ),
    config: Path = typer.Option(
        None,
        "--config",
        help="salesmeasure.toml to read the data with (default: the one beside the data, if "
        "any); the batch and every notebook use it.",
    ),
) -> None:
    """Execute every notebook x region for a period and export HTML/PDF reports with an index.

    Exit code 0 when every report rendered, 1 when some failed (see the index) or a file
    could not be written (a full disk), 2 on bad options or data (also a period after the
    data ends, a --param out of its range, or another render writing into the same --out),
    130 when interrupted (Ctrl-C; the index lists what finished).
    """
    from salesmeasure.data import DataError
    from salesmeasure.errors import ParameterError
    from salesmeasure.i18n import check_language
    from salesmeasure.render import ChromiumNotFound, guard
    from salesmeasure.render import render as render_batch

    try:
        langs = list(dict.fromkeys(check_language(x) for x in lang.split(",") if x.strip()))
    except ParameterError as exc:
        fail(str(exc).replace("parameter 'lang'", "--lang"))
    if not langs:
        fail("--lang must name a language: en, zh-CN or en,zh-CN")
    overrides = {}
    for item in param or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            fail(f"--param must be NAME=VALUE, got {item!r}")
        overrides[name.strip()] = value
    if config is not None and not Path(config).expanduser().is_file():
        fail(f"--config {config}: no such configuration file")
    summaries = []
    stack = contextlib.ExitStack()
    try:
        # one batch at a time per --out, over every language of the command
        root = guard.check_out_dir(out.resolve())
        stack.enter_context(guard.lock_out_dir(root, command=_resume_command()))
        for one in langs:
            summary = render_batch(
                period,
                data=data,
                out=out,
                regions=regions,
                notebooks=notebooks,
                formats=formats,
                chromium=chromium,
                jobs=jobs,
                force=force,
                scheduler=scheduler,
                isolate=isolate,
                execution_timeout=cell_timeout,
                report_timeout=report_timeout,
                progress=progress,
                parameters=overrides,
                notebooks_dir=notebooks_dir,
                lang=one,
                languages=langs,
                config=config,
            )
            summaries.append(summary)
            if summary.interrupted or summary.stopped:
                break
    except (ChromiumNotFound, DataError, ValueError) as exc:
        fail(str(exc))
    except OSError as exc:  # a full disk or an unwritable file outside any one report
        from salesmeasure.render.store import WriteFailed, describe_write_error

        if isinstance(exc, WriteFailed):
            fail(str(exc), code=1)
        fail(describe_write_error(exc, exc.filename or out), code=1)
    except KeyboardInterrupt:  # before any report ran (loading the data, planning)
        guard.exit_within()
        say("Interrupted before any report was rendered; nothing was written.", err=True)
        raise typer.Exit(130) from None
    finally:
        stack.close()
    for summary in summaries:
        say(summary.describe())
    if any(x.interrupted for x in summaries):
        again = _resume_command()
        say(f"To resume, run the same command again: {again}")
        if guard.MASK in again:
            say(
                f"(put the password back in place of {guard.MASK}, or leave it out of the URL "
                "and set SALESMEASURE_DB_PASSWORD)"
            )
        say("Finished reports are kept and not rendered again.")
        _exit_now(130)
    raise typer.Exit(0 if all(x.ok for x in summaries) else 1)


@app.command("notebooks")
def notebooks_copies(
    lang: str = typer.Option(..., "--lang", help="Language of the copies: en or zh-CN."),
    out: Path = typer.Option(
        None, "--out", help="Folder to write the copies to (default: lab/<lang>)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Overwrite copies edited since they were written."
    ),
    keep_edited: bool = typer.Option(
        False, "--keep-edited", help="Leave copies edited since they were written; write the rest."
    ),
    notebooks_dir: Path = typer.Option(
        None, "--notebooks-dir", help="Folder of the report notebooks (default: notebooks/)."
    ),
) -> None:
    """Write the report notebooks in another language, for JupyterLab: Markdown translated as
    in the exported reports, `lang` set in the parameters cell, no outputs.

    A copy edited since it was written is not overwritten unless --force (exit code 2)."""
    from salesmeasure.errors import ParameterError
    from salesmeasure.i18n import check_language
    from salesmeasure.notebook_lang import EditedCopy, write_copies

    if force and keep_edited:
        fail("--force and --keep-edited exclude each other")
    try:
        lang = check_language(lang)
    except ParameterError as exc:
        fail(str(exc).replace("parameter 'lang'", "--lang"))
    on_edited = "overwrite" if force else "keep" if keep_edited else "refuse"
    try:
        result = write_copies(
            lang, out or Path("lab") / lang, notebooks_dir=notebooks_dir, on_edited=on_edited
        )
    except (EditedCopy, ParameterError) as exc:
        fail(str(exc))
    typer.echo(result.describe())


@app.command("cache")
def cache_command(
    action: str = typer.Argument(
        "where", help="where: print the disk cache folder; clear: remove every kept result."
    ),
    data: str = typer.Option(
        None, "--data", help="Data folder whose salesmeasure.toml may set [cache] dir."
    ),
) -> None:
    """The disk cache of computed company results (models, forecasts, allocations) that
    the batch and JupyterLab share: where it is, or clear it. It is keyed by the data
    fingerprint, the parameters and the code version, so it never serves stale results;
    clearing it only costs a recompute."""
    from salesmeasure import books

    if action not in ("where", "clear"):
        fail(f"cache: the action is 'where' or 'clear', got {action!r}")
    folder = books.cache_dir(data)
    if folder is None:
        typer.echo("The disk cache is off ($SALESMEASURE_CACHE=off or [cache] enabled = false).")
        return
    if action == "where":
        typer.echo(str(folder))
        return
    n = books.clear_cache(folder)
    typer.echo(f"Removed {n} file(s) from {folder}.")


def _exit_now(code: int) -> None:
    """Exit at once after Ctrl-C, skipping the interpreter's teardown.

    Everything is written by then (reports, index, messages) and the workers, kernels and
    browser are killed; what is left is Python freeing every module of a process that
    imported pandas, scipy, matplotlib and the browser driver. Measured on a loaded 2-core
    machine: the batch stopped 0.2-0.8 s after Ctrl-C, the process exited 3.7-9.2 s after
    it (the teardown, in C, after the exit handlers); on a cold machine the CI's 30 s
    ran out (issue 23). Ctrl-C must end the command within seconds. Exit handlers
    still run; only the module teardown is skipped. Called
    in-process (typer's CliRunner, a notebook), it raises ``typer.Exit`` as usual.
    """
    import atexit
    import os

    if Path(sys.argv[0]).stem != "salesmeasure":  # the console script, not pytest's process
        raise typer.Exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _resume_command() -> str:
    """The command line that was run, quoted for a shell (``salesmeasure render ...``),
    with any password in it masked (a URL's password is never printed)."""
    import shlex

    return " ".join(["salesmeasure", *(shlex.quote(_masked(a)) for a in sys.argv[1:])])


def run() -> None:  # pragma: no cover - console entry for `python -m salesmeasure.cli`
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    run()
