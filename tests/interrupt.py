"""Interrupting a real ``salesmeasure render`` from a test, and saying why when it hangs.

The command's output goes to files, not pipes: with pipes, ``communicate`` waits until
every process that inherited them has closed them, so a grandchild that outlived the
command (a kernel, a browser) looked like a command that never ended. Here the wait is on
the command itself, and what outlived it is a separate, named failure.

When the command does not end in time, the failure says where it is: every thread's stack
(the console command registers ``faulthandler`` on SIGUSR2), the process tree and the
output so far.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path


def _ctrl_c_as_a_terminal_gives_it() -> None:
    """In the child, before exec: Ctrl-C at its default, as a shell gives a foreground
    command. Ignored or blocked dispositions are inherited through exec; on the fresh CI
    machine the pytest workers had SIGINT ignored or blocked at the C level after some
    earlier test (Python's getsignal still said default), and every interrupted command
    went on running."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])


class Run:
    """One ``salesmeasure`` command started in its own session, output to files."""

    def __init__(self, cmd: list[str], folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.out_path = folder / "stdout.txt"
        self.err_path = folder / "stderr.txt"
        self._out = open(self.out_path, "w")  # closed in close()
        self._err = open(self.err_path, "w")
        self.p = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=self._out,
            stderr=self._err,
            text=True,
            start_new_session=True,
            preexec_fn=_ctrl_c_as_a_terminal_gives_it,
        )
        self.pid = self.p.pid

    def output(self) -> tuple[str, str]:
        for fh in (self._out, self._err):
            with contextlib.suppress(ValueError):
                fh.flush()
        return (
            self.out_path.read_text(errors="replace"),
            self.err_path.read_text(errors="replace"),
        )

    def alive(self) -> bool:
        return self.p.poll() is None

    def descendants(self):
        import psutil

        try:
            return psutil.Process(self.pid).children(recursive=True)
        except psutil.Error:
            return []

    def interrupt(self, *, group: bool = False, timeout: float = 120) -> float:
        """Ctrl-C (to the command, or to its whole process group); seconds until it ended.

        Fails with the command's stacks, its process tree and its output when it has not
        ended within ``timeout`` seconds.
        """
        state = signal_state(self.pid)
        assert state == "SIGINT caught", (
            f"the command cannot see a Ctrl-C ({state}): it inherited that from the test's "
            "process, where an earlier test left SIGINT ignored or blocked"
        )
        t0 = time.monotonic()
        if group:
            os.killpg(self.pid, signal.SIGINT)
        else:
            os.kill(self.pid, signal.SIGINT)
        try:
            self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(self.why_not_ended(timeout)) from None
        return time.monotonic() - t0

    def why_not_ended(self, timeout: float) -> str:
        tree = _tree(self.pid)
        sig = signal_state(self.pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGUSR2)  # faulthandler: every thread's stack
        time.sleep(1.5)
        out, err = self.output()
        return (
            f"the command had not ended {timeout:g} s after Ctrl-C ({sig})\n"
            f"--- process tree\n{tree}\n--- stdout\n{out[-4000:]}\n"
            f"--- stderr (with the stacks)\n{err[-12000:]}"
        )

    def leftovers(self, before=()) -> list[str]:
        """Processes still running that came from the command: those listed in ``before``
        (its descendants when it was interrupted) and any process that still holds a file
        under the test's folder (its output, a report's log) after it ended."""
        import psutil

        seen = {}
        for c in before:
            with contextlib.suppress(psutil.Error):
                if c.is_running() and c.status() != psutil.STATUS_ZOMBIE:
                    seen[c.pid] = c
        root = str(self.folder.parent.resolve())
        me = os.getpid()
        for proc in psutil.process_iter(["pid"]):
            if proc.pid in (me, self.pid) or proc.pid in seen:
                continue
            with contextlib.suppress(psutil.Error):
                if any(f.path.startswith(root) for f in proc.open_files()):
                    if proc.status() != psutil.STATUS_ZOMBIE:
                        seen[proc.pid] = proc
        out = []
        for pid, proc in sorted(seen.items()):
            with contextlib.suppress(psutil.Error):
                out.append(f"{pid} {proc.name()} {' '.join(proc.cmdline())[:200]}")
        return out

    def close(self) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.p.wait(timeout=10)
        for c in self.descendants():
            with contextlib.suppress(Exception):
                c.kill()
        for fh in (self._out, self._err):
            fh.close()


def signal_state(pid: int) -> str:
    """How the process takes Ctrl-C, from /proc: ignored, blocked, or caught (Python's
    handler). A process started with SIGINT ignored (inherited) never sees a Ctrl-C."""
    try:
        fields = dict(
            line.split(":\t", 1)
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if ":\t" in line
        )
    except OSError:
        return "SIGINT state unknown"
    bit = 1 << (signal.SIGINT - 1)
    said = [
        name
        for name, key in (("ignored", "SigIgn"), ("blocked", "SigBlk"), ("caught", "SigCgt"))
        if int(fields.get(key, "0"), 16) & bit
    ]
    return "SIGINT " + ("/".join(said) or "default")


def _tree(pid: int) -> str:
    import psutil

    lines = []
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return f"{pid}: gone"
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            lines.append(
                f"{proc.pid} ppid={proc.ppid()} {proc.status()} {proc.name()} "
                f"{' '.join(proc.cmdline())[:160]}"
            )
    return "\n".join(lines)
