"""Promise 6 and design.md section 9: the real `peerjournal` process writes no core dump and
cannot be read by other processes of the same user, checked from outside it.

tests/test_vault.py checks `harden_process()` from inside a child. Here the real entry point
runs in a child that waits for its passphrase (so it is alive, past `harden_process`, before
any journal is open); other processes then look at it the way an attacker would:

- /proc/<pid>/limits shows a core file size of 0, and /proc/<pid>/status a umask of 0077;
- a process of the same user cannot open /proc/<pid>/mem (the kernel's ptrace access check,
  which PR_SET_DUMPABLE = 0 makes fail), while it can open the same file of an ordinary
  process started the same way (so the check is not vacuous).

Root passes every such check through CAP_SYS_PTRACE, so when the suite runs as root every
process here starts without that one capability (dropped from the bounding set before exec):
the same user, the same capabilities, no override.
"""

from __future__ import annotations

import ctypes
import os
import resource
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.promises.children import child_env, cli_argv, kill_hard, wait_until_blocked_on_pipe

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="/proc and PR_SET_DUMPABLE are Linux only"
)


PR_CAPBSET_DROP = 24
CAP_SYS_PTRACE = 19


def ordinary_user() -> None:
    """In each child before exec: raise the soft core limit as far as the hard one allows (so a
    limit of 0 in the target is its own doing) and, as root, drop CAP_SYS_PTRACE."""
    _, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_CAPBSET_DROP, CAP_SYS_PTRACE, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop CAP_SYS_PTRACE")


@contextmanager
def waiting(argv: Callable[[int], list[str]], home: Path) -> Iterator[int]:
    """Run `argv(fd)`, which waits to read a line from fd; yield its pid while it waits."""
    read, write = os.pipe()
    env = child_env({"HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"})
    process = subprocess.Popen(
        argv(read),
        pass_fds=[read],
        env=env,
        cwd=home,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ordinary_user,
    )
    os.close(read)
    try:
        if not wait_until_blocked_on_pipe(process):
            pytest.skip("/proc/<pid>/wchan cannot tell when the child is waiting")
        yield process.pid
    finally:
        os.close(write)
        kill_hard(process)


def core_limit(pid: int) -> list[str]:
    """The soft and hard core file size limits of `pid`, as /proc/<pid>/limits shows them."""
    return proc_field(pid, "limits", "Max core file size").split()[4:6]


PROBE = """
import os, sys
try:
    os.close(os.open(f"/proc/{sys.argv[1]}/mem", os.O_RDONLY))
    print("readable")
except PermissionError:
    print("refused")
"""


def probe_memory(pid: int) -> str:
    """From another process of the same user: 'readable' or 'refused'."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(pid)],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=ordinary_user,
    )
    return result.stdout.strip()


def proc_field(pid: int, name: str, line_start: str) -> str:
    for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
        if line.startswith(line_start):
            return line
    raise AssertionError(f"no {line_start!r} in /proc/{pid}/{name}")


def ordinary(fd: int) -> list[str]:
    """An ordinary Python process that waits on `fd`: the control."""
    return [sys.executable, "-c", f"import os; os.read({fd}, 1)"]


def peerjournal_waiting(home: Path) -> Callable[[int], list[str]]:
    """`peerjournal init` asks for the new passphrase first: waiting there, it is past
    harden_process() and has opened no journal yet."""

    def argv(fd: int) -> list[str]:
        return cli_argv("--home", str(home / "journal"), "init", "--passphrase-fd", str(fd))

    return argv


def test_the_real_process_writes_no_core_dump_and_keeps_a_private_umask(tmp_path: Path) -> None:
    with waiting(ordinary, tmp_path) as pid:
        allowed = core_limit(pid)  # what the process was started with
    with waiting(peerjournal_waiting(tmp_path), tmp_path) as pid:
        assert core_limit(pid) == ["0", "0"]
        assert proc_field(pid, "status", "Umask:").split()[1] == "0077"
    # Started with core dumps allowed (unless the hard limit forbids them anyway), so the 0
    # above is the process's own doing.
    assert allowed != ["0", "0"] or resource.getrlimit(resource.RLIMIT_CORE)[1] == 0


def test_the_real_process_memory_cannot_be_opened_by_its_own_user(tmp_path: Path) -> None:
    # The same probe on an ordinary process started the same way must succeed, or the refusal
    # below would prove nothing.
    with waiting(ordinary, tmp_path) as pid:
        if probe_memory(pid) != "readable":
            pytest.skip(
                "this kernel refuses to open even an ordinary sibling's memory "
                "(Yama ptrace_scope >= 1), so dumpability cannot be seen from outside"
            )
    with waiting(peerjournal_waiting(tmp_path), tmp_path) as pid:
        assert probe_memory(pid) == "refused"
