"""Real peerjournal processes for the promise tests: the CLI and the app, in child processes.

A child runs the production entry points (`cli.main`, `PeerJournalApp`) with the cheap key
settings the rest of the suite uses, so a hundred kills take minutes rather than an hour. It
imports nothing from tests.conftest: that module installs the suite's socket guard, which would
turn a real network attempt into a Python exception before strace could see the system call.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from peerjournal.core.kdf import KdfParams, KdfPolicy

REPO = Path(__file__).resolve().parents[2]
# The same settings as tests.conftest.TEST_POLICY (a test checks that they agree).
CHEAP_POLICY = KdfPolicy(
    floor=KdfParams(memory_kib=1024, iterations=1, parallelism=1), calibrate=False
)

CLI_CODE = (
    "import sys; from peerjournal import cli; from tests.promises.children import CHEAP_POLICY; "
    "sys.exit(cli.main(sys.argv[1:], policy=CHEAP_POLICY))"
)


# The same, reporting its progress: argv[1] and argv[2] are the marker and go descriptors.
MARKED_CLI_CODE = (
    "import sys; from peerjournal import cli; "
    "from tests.promises.children import CHEAP_POLICY, report_progress; "
    "report_progress(int(sys.argv[1]), int(sys.argv[2])); "
    "sys.exit(cli.main(sys.argv[3:], policy=CHEAP_POLICY))"
)
SAVES_PER_MARKER = 250


def cli_argv(*args: str) -> list[str]:
    """The command line of a child running `peerjournal ARGS` (cheap key settings)."""
    return [sys.executable, "-c", CLI_CODE, *args]


def report_progress(marker_fd: int, go_fd: int) -> None:
    """In a child: at each step of its work, name the step on `marker_fd`, then wait for a byte
    on `go_fd` before going on. The test so kills at a known step, whatever the machine's load.

    Steps: every named point of a passphrase change or header write (`vault._crash_point`:
    derived, exported, verified, header_tmp_written, header_replaced), `rekey` and `rekeyed`
    around a passphrase change, `begin` and `committed` around each outermost transaction
    (`committed` once COMMIT has returned), and `saved N` after every 250th record saved. The
    hooks only observe and wait; the work itself is the production code's.
    """
    import contextlib

    from peerjournal.core import vault
    from peerjournal.core.journal import Journal

    def step(name: str) -> None:
        os.write(marker_fd, name.encode() + b"\n")
        if os.read(go_fd, 1) != b"c":
            os._exit(99)  # the test went away

    vault._crash_point = step  # type: ignore[assignment]

    change_passphrase = vault.Vault.change_passphrase

    def rekey(self: vault.Vault, *args: object, **kwargs: object) -> None:
        step("rekey")
        change_passphrase(self, *args, **kwargs)  # type: ignore[arg-type]
        step("rekeyed")

    vault.Vault.change_passphrase = rekey  # type: ignore[method-assign]

    transaction = Journal.transaction

    @contextlib.contextmanager
    def marked_transaction(self: Journal) -> object:
        outermost = self._transaction_depth == 0
        if outermost:
            step("begin")
        with transaction(self):
            yield
        if outermost:
            step("committed")

    Journal.transaction = marked_transaction  # type: ignore[assignment,method-assign]

    save = Journal.save
    saved = [0]

    def marked_save(self: Journal, *args: object, **kwargs: object) -> object:
        result = save(self, *args, **kwargs)  # type: ignore[arg-type]
        saved[0] += 1
        if saved[0] % SAVES_PER_MARKER == 0:
            step(f"saved {saved[0]}")
        return result

    Journal.save = marked_save  # type: ignore[assignment,method-assign]


def driver_argv(home: Path, *args: str) -> list[str]:
    """The command line of a child running the app headless, scripted on its stdin."""
    return [sys.executable, "-m", "tests.promises.tui_driver", str(home), *args]


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child: the repository importable, nothing from Textual's devtools."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEXTUAL", "PYTEST", "XDG_", "COV_"))
    }
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO), str(REPO / "src"), env.get("PYTHONPATH", "")])
    )
    env.pop("PEERJOURNAL_HOME", None)
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class Finished:
    code: int
    out: str
    err: str


def secret_pipe(*lines: str) -> int:
    """A pipe whose read end yields `lines` (one passphrase each) and then end-of-file."""
    read, write = os.pipe()
    os.write(write, "".join(line + "\n" for line in lines).encode())
    os.close(write)
    return read


def run_cli(
    *args: str,
    passphrases: Sequence[str] = (),
    new_passphrase: str | None = None,
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
    prefix: Sequence[str] = (),
    timeout: float = 60,
) -> Finished:
    """Run `peerjournal ARGS` to the end; passphrases come on descriptors, as a script gives them.

    `passphrases` go to --passphrase-fd (all on one pipe), `new_passphrase` to
    --new-passphrase-fd. `prefix` wraps the command (strace).
    """
    fds: list[int] = []
    argv = list(args)
    if passphrases:
        fds.append(secret_pipe(*passphrases))
        argv += ["--passphrase-fd", str(fds[-1])]
    if new_passphrase is not None:
        fds.append(secret_pipe(new_passphrase))
        argv += ["--new-passphrase-fd", str(fds[-1])]
    try:
        result = subprocess.run(
            [*prefix, *cli_argv(*argv)],
            cwd=cwd,
            env=env or child_env(),
            pass_fds=fds,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    finally:
        for fd in fds:
            os.close(fd)
    return Finished(result.returncode, result.stdout, result.stderr)


def blocked_on_pipe(pid: int) -> bool:
    """Whether process `pid` is asleep reading a pipe (here: waiting for its passphrase)."""
    try:
        with open(f"/proc/{pid}/wchan") as handle:
            return "pipe_read" in handle.read()
    except OSError:
        return False


def wait_until_blocked_on_pipe(process: subprocess.Popen[str], timeout: float = 30) -> bool:
    """Wait until the child waits for its passphrase. False where /proc cannot tell (then the
    caller falls back to a fixed start-up allowance)."""
    if not Path(f"/proc/{process.pid}/wchan").exists():
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the child exited early with code {process.returncode}")
        if blocked_on_pipe(process.pid):
            return True
        time.sleep(0.002)
    raise AssertionError("the child never asked for its passphrase")


def kill_hard(process: subprocess.Popen[str]) -> None:
    """SIGKILL, as a power cut or `kill -9` would stop it, and reap it."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


class Launch:
    """A `peerjournal` child whose passphrases are written only when the test says go.

    With `marked=True` the child reports each step of its work (`report_progress`) and waits
    at each one until `proceed()`: `next_step()` reads the next step's name.
    """

    def __init__(
        self,
        args: list[str],
        passphrases: list[str],
        *,
        capture: bool = False,
        marked: bool = False,
    ) -> None:
        self._lines = passphrases
        self._pipes: list[tuple[int, int]] = [os.pipe() for _ in passphrases]
        argv = list(args)
        argv += ["--passphrase-fd", str(self._pipes[0][0])]
        if len(self._pipes) > 1:
            argv += ["--new-passphrase-fd", str(self._pipes[1][0])]
        passed = [read for read, _ in self._pipes]
        self._markers: int | None = None
        self._go: int | None = None
        command = cli_argv(*argv)
        if marked:
            markers_read, markers_write = os.pipe()
            go_read, go_write = os.pipe()
            passed += [markers_write, go_read]
            command = [
                sys.executable,
                "-c",
                MARKED_CLI_CODE,
                str(markers_write),
                str(go_read),
                *argv,
            ]
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            env=child_env(),
            pass_fds=passed,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
            stderr=subprocess.PIPE if capture else subprocess.DEVNULL,
            text=True,
        )
        self.started = time.monotonic()
        for read, _ in self._pipes:
            os.close(read)
        if marked:
            os.close(markers_write)
            os.close(go_read)
            self._markers = markers_read
            self._go = go_write
            self._buffer = b""

    def next_step(self, timeout: float = 120) -> str:
        """The name of the step the child has reached (it waits there), or "" once it exited."""
        assert self._markers is not None
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            if not select.select([self._markers], [], [], max(0.0, deadline - time.monotonic()))[0]:
                raise AssertionError("the child reported no progress")
            chunk = os.read(self._markers, 4096)
            if not chunk:
                return ""
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode()

    def proceed(self) -> None:
        """Let the child go on from the step it waits at."""
        assert self._go is not None
        os.write(self._go, b"c")

    def close(self) -> None:
        """Close the step pipes (after the child is gone)."""
        for fd in (self._markers, self._go):
            if fd is not None:
                os.close(fd)
        self._markers = self._go = None

    def ready(self) -> None:
        """Wait until the child asks for its passphrase (it holds the journal's lock by then)."""
        if wait_until_blocked_on_pipe(self.process):
            self.started = time.monotonic()
        else:
            time.sleep(2.0)  # no /proc: allow for the start-up

    def go(self) -> float:
        """Wait until the child asks for its passphrase, give it; return that moment."""
        self.ready()
        for (_, write), line in zip(self._pipes, self._lines, strict=True):
            os.write(write, line.encode() + b"\n")
            os.close(write)
        return self.started


class Driver:
    """The app in a child process (tests/promises/tui_driver.py), one command at a time."""

    def __init__(
        self,
        home: Path,
        *,
        env: dict[str, str] | None = None,
        cwd: Path = REPO,
        prefix: Sequence[str] = (),
    ) -> None:
        """`prefix` wraps the command (strace)."""
        self.process = subprocess.Popen(
            [*prefix, *driver_argv(home)],
            cwd=cwd,
            env=env or child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.read() == "ok started"

    def read(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"the app exited: {self.finish()[1]}")
        return line.rstrip("\n")

    def send(self, command: str) -> str:
        """Send one command and return its answer's detail; fail on an "error" answer."""
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer = self.read()
        assert answer.startswith("ok"), f"{command!r}: {answer}"
        return answer[3:]

    def finish(self, timeout: float = 30) -> tuple[str, str]:
        """Close its stdin and wait for it: (rest of stdout, stderr)."""
        out, err = self.process.communicate(timeout=timeout)
        return out, err
