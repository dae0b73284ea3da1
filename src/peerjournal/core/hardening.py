"""Process-wide protections applied at start, before any journal is opened.

- umask 077, so anything created (even by a library) is private to the user;
- no core dumps (RLIMIT_CORE = 0) and, on Linux, not dumpable (PR_SET_DUMPABLE = 0), so a crash
  or another process of the same user cannot copy keys or note text out of memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import sys

PR_SET_DUMPABLE = 4


def harden_process() -> None:
    os.umask(0o077)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            # The running process's own symbols (libc among them): ctypes.util.find_library
            # would start `ldconfig -p` in a subprocess on every start.
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
