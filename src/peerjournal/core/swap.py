"""Swapping two folders in one step, where the operating system can.

Linux (3.15 and later, glibc 2.28 and later) has `renameat2(..., RENAME_EXCHANGE)`: both names
exist before and after, pointing at each other's folder, and no moment exists at which one of
them is missing. A restore uses it to put a verified journal in place of the current one.

Elsewhere, or where the file system refuses the flag (some network and FUSE file systems say
EINVAL), `exchange` returns False and the caller falls back to two renames; the restore's
marker file (core/recovery.py) lets the next start finish or undo a swap cut in half.

The C library is reached through `ctypes.CDLL(None)`, the symbols already loaded into this
process: `ctypes.util.find_library` would start a subprocess to look for it.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path

_AT_FDCWD = -100  # Linux's value
_RENAME_EXCHANGE = 1 << 1
# errno values that mean "this system or file system cannot exchange", not "this swap failed".
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}

_Renameat2 = Callable[[int, bytes, int, bytes, int], int]


def _load_renameat2() -> _Renameat2 | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):  # no such symbol: glibc before 2.28, musl before 1.2.3
        return None
    function.argtypes = (
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    )
    function.restype = ctypes.c_int
    return function


_renameat2: _Renameat2 | None = _load_renameat2()


def exchange(first: Path, second: Path) -> bool:
    """Swap what the two existing paths name, atomically. False when this system cannot (then
    nothing changed); OSError for a real failure (a missing path, no permission)."""
    if _renameat2 is None:
        return False
    result = _renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))
