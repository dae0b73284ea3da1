"""The --demo folder: removed on SIGHUP/SIGTERM, and stale ones removed at the next --demo."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from peerjournal.demo_home import PID_FILE, PREFIX, remove_stale_demo_folders

CHILD = """
import sys, time
from peerjournal.demo_home import demo_folder
with demo_folder() as folder:
    print(folder, flush=True)
    time.sleep(60)
"""


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM])
def test_a_closing_terminal_removes_the_demo_folder(tmp_path: Path, sig: int) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    folder = Path(child.stdout.readline().strip())
    assert folder.is_dir() and folder.name.startswith(PREFIX)
    child.send_signal(sig)
    assert child.wait(timeout=30) == -sig  # it still ends as the signal says
    assert not folder.exists()


def test_stale_demo_folders_are_removed_and_running_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / (PREFIX + "stale")
    (stale / "journal").mkdir(parents=True)
    (stale / PID_FILE).write_text(str(dead.pid))
    running = tmp_path / (PREFIX + "running")
    running.mkdir()
    (running / PID_FILE).write_text(str(os.getpid()))
    old_without_pid = tmp_path / (PREFIX + "old")
    old_without_pid.mkdir()
    day_ago = time.time() - 24 * 3600
    os.utime(old_without_pid, (day_ago, day_ago))
    other = tmp_path / "not-ours"
    other.mkdir()
    assert sorted(remove_stale_demo_folders(tmp_path)) == sorted([stale, old_without_pid])
    assert running.exists() and other.exists()
