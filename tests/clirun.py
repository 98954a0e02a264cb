"""``salesmeasure`` commands run inside the test process, for the tests of what ``validate``
reads and says about a file.

A subprocess costs each call 1.2-1.9 s of start-up on these 2-core machines (Python, then
pandas and pandera imported again) for a validate that reads a ten-row table in a tenth
of that; test_formats.py made 38 such calls. :func:`run` invokes the same typer ``app``
that the console script runs (typer.testing.CliRunner: argument parsing, exit codes and
both output streams as a user sees them) and returns what ``subprocess.run`` does
(``returncode``, ``stdout``, ``stderr``). An exception that escapes the command, which
a real run would print as a traceback, fails the test with its traceback.

Tests whose subject is the process itself keep a real one: render (kernels, browser,
signals), Ctrl-C and timeouts, import cost, the console script (tests/test_cli.py).
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass


@dataclass
class Ran:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def run(*args, cwd=None) -> Ran:
    """``salesmeasure *args`` in this process, in ``cwd`` when given."""
    from typer.testing import CliRunner

    from salesmeasure.cli import app

    argv = [str(a) for a in args]
    here = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        r = CliRunner().invoke(app, argv)
    finally:
        os.chdir(here)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise AssertionError(
            f"salesmeasure {' '.join(argv)} raised (a traceback for a user):\n"
            + "".join(traceback.format_exception(*r.exc_info))
        )
    return Ran(argv, r.exit_code, r.stdout, r.stderr)
