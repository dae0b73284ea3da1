"""The throwaway folder of `peerjournal --demo`: made, removed on exit and on the signals a
closing terminal sends, and cleaned up at the next `--demo` when a demo died without removing it.

The demo journal holds only made-up notes and is encrypted like any other; removing it is
tidiness, not secrecy. Each folder records the id of the process that uses it, so a running
demo in another terminal is never touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from peerjournal.core import platform

PREFIX = "peerjournal-demo-"
PID_FILE = "pid"
# A demo folder without a pid file (made by an older peerjournal) counts as stale after this.
STALE_WITHOUT_PID_SECONDS = 12 * 3600
SIGNALS = tuple(sig for sig in (getattr(signal, "SIGHUP", None), signal.SIGTERM) if sig is not None)


def remove_stale_demo_folders(root: Path | None = None) -> list[Path]:
    """Remove demo folders of this user whose process is gone; return what was removed."""
    root = Path(root or tempfile.gettempdir())
    removed = []
    for folder in root.glob(PREFIX + "*"):
        with contextlib.suppress(OSError):
            if folder.is_symlink() or not folder.is_dir():
                continue
            if platform.foreign_owner(folder.stat()) is not None or not _is_stale(folder):
                continue
            shutil.rmtree(folder)
            removed.append(folder)
    return removed


def _is_stale(folder: Path) -> bool:
    try:
        pid = int((folder / PID_FILE).read_text(encoding="ascii").strip())
    except FileNotFoundError:
        return time.time() - folder.stat().st_mtime > STALE_WITHOUT_PID_SECONDS
    except ValueError:
        return True
    return not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process with that id: leave the folder alone
    return True


@contextlib.contextmanager
def demo_folder() -> Iterator[Path]:
    """A new private (0700) demo folder, removed when the block ends, or when SIGHUP or
    SIGTERM arrive (a closed terminal window), which otherwise end the process at once."""
    remove_stale_demo_folders()
    folder = platform.make_private_temp_folder(PREFIX)
    (folder / PID_FILE).write_text(str(os.getpid()), encoding="ascii")

    def remove_and_die(signum: int, _frame: FrameType | None) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)  # end as the signal would have

    previous = {sig: signal.signal(sig, remove_and_die) for sig in SIGNALS}
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


__all__ = ["PREFIX", "demo_folder", "remove_stale_demo_folders"]
