"""After Ctrl-C the console command ends within seconds, whatever hangs (guard.exit_within)."""

from __future__ import annotations

import subprocess
import sys
import time

from salesmeasure.render import guard


def test_a_hang_after_ctrl_c_is_cut_short_with_130_and_a_sentence():
    code = (
        "import sys, time; sys.argv[0] = '/usr/bin/salesmeasure'\n"
        "from salesmeasure.render.guard import exit_within\n"
        "exit_within(0.5)\n"
        "time.sleep(60)  # a clean-up that hangs\n"
    )
    t0 = time.monotonic()
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=50)
    assert run.returncode == 130, run.stderr
    assert time.monotonic() - t0 < 20
    assert "took more than 0.5 s and was cut short" in run.stderr


def test_it_is_a_no_op_outside_the_console_command():
    guard.exit_within(0.01)  # this is pytest's process: it must survive
    time.sleep(0.2)
    assert sys.argv[0] and "salesmeasure" != sys.argv[0].rsplit("/", 1)[-1]
