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


# The interrupt tests' helper (tests/interrupt.py) must be able to fail, and say why.


def test_a_command_that_ignores_ctrl_c_fails_with_its_stacks(tmp_path):
    import pytest
    from interrupt import Run

    code = (
        "import faulthandler, signal, time\n"
        "signal.signal(signal.SIGINT, lambda *_: None)  # takes Ctrl-C, and goes on\n"
        "faulthandler.register(signal.SIGUSR2, all_threads=True)\n"
        "print('ready', flush=True)\n"
        "def stuck_in_clean_up():\n"
        "    time.sleep(60)\n"
        "stuck_in_clean_up()\n"
    )
    run = Run([sys.executable, "-c", code], tmp_path / "run")
    try:
        deadline = time.monotonic() + 30
        while "ready" not in run.output()[0] and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(AssertionError) as failed:
            run.interrupt(timeout=1)
    finally:
        run.close()
    msg = str(failed.value)
    assert "had not ended 1 s after Ctrl-C" in msg
    assert "stuck_in_clean_up" in msg  # the stack of the main thread
    assert f"{run.pid} ppid=" in msg  # the process tree


def test_a_grandchild_that_outlives_the_command_is_a_leftover(tmp_path):
    from interrupt import Run

    code = (
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "time.sleep(60)\n"
    )
    run = Run([sys.executable, "-c", code], tmp_path / "run")
    try:
        deadline = time.monotonic() + 30
        while len(run.descendants()) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert run.interrupt(timeout=20) < 20  # the command ends; its child does not
        left = run.leftovers()  # not told about the child: found by the output it holds
        assert len(left) == 1 and "time.sleep(60)" in left[0], left
    finally:
        run.close()
        import psutil

        for proc in psutil.process_iter():
            try:
                if any(f.path.startswith(str(tmp_path)) for f in proc.open_files()):
                    proc.kill()
            except psutil.Error:
                pass


def test_the_helper_tells_an_ignored_ctrl_c():
    from interrupt import _ctrl_c_as_a_terminal_gives_it, signal_state

    code = "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(30)"
    p = subprocess.Popen([sys.executable, "-c", code])
    try:
        time.sleep(1.0)
        assert signal_state(p.pid) == "SIGINT ignored"
    finally:
        p.kill()
        p.wait()
    # as a terminal starts it (this suite may itself run with Ctrl-C ignored: a background job)
    p = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)"],
        preexec_fn=_ctrl_c_as_a_terminal_gives_it,
    )
    try:
        time.sleep(1.0)
        assert signal_state(p.pid) == "SIGINT caught"  # Python's default_int_handler
    finally:
        p.kill()
        p.wait()


def test_a_command_started_with_ctrl_c_ignored_fails_at_once_and_says_so(tmp_path):
    import pytest
    from interrupt import Run

    code = "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(60)"
    run = Run([sys.executable, "-c", code], tmp_path / "run")
    try:
        time.sleep(1.0)
        t0 = time.monotonic()
        with pytest.raises(AssertionError, match=r"cannot see a Ctrl-C \(SIGINT ignored\)"):
            run.interrupt(timeout=30)
        assert time.monotonic() - t0 < 5
    finally:
        run.close()
