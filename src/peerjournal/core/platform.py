"""Everything that differs between Linux, macOS and Windows, in one place.

The rest of the core never looks at `sys.platform` and never imports `fcntl`, `resource` or
`msvcrt`; it calls these functions:

- `ProcessLock`: an exclusive lock on a file that the operating system releases when the
  process dies (`fcntl.flock` on Linux and macOS, `msvcrt.locking` on Windows);
- private files and folders: POSIX modes 0600/0700; on Windows an access-control list that
  grants the current user, and nobody else, full access (set through the Win32 security API
  with `ctypes`, no extra dependency);
- `harden_process`: umask 077, no core dumps (`RLIMIT_CORE`), not dumpable
  (`PR_SET_DUMPABLE` on Linux), no debugger attach (`PT_DENY_ATTACH` on macOS), no crash
  dialogs or crash reports (`SetErrorMode` on Windows);
- `replace_durably` and `fsync_directory`: an atomic rename that survives a power cut (a
  directory fsync on POSIX; `MoveFileExW(MOVEFILE_WRITE_THROUGH)` on Windows, which cannot
  fsync a directory);
- `foreign_owner`: whether a file belongs to another user (POSIX only).

Platform modules are imported inside the functions that need them, and the branches test
`sys.platform` at call time, so tests can simulate Windows and macOS on Linux (monkeypatched
`sys.platform`, a fake `msvcrt`) and mypy checks each platform's branch with `--platform`.
C libraries are loaded with `ctypes.CDLL(None)` (the symbols already in the process), never
`ctypes.util.find_library`, which runs `ldconfig` in a subprocess.
docs/security.md ("Platforms") says what each platform gets and what it cannot.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import stat
import sys
from pathlib import Path
from typing import Any

# Flags that do not exist everywhere are 0 where they are missing.
O_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
O_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
O_BINARY: int = getattr(os, "O_BINARY", 0)  # Windows: no newline translation

PR_SET_DUMPABLE = 4  # linux/prctl.h
PT_DENY_ATTACH = 31  # macOS sys/ptrace.h
SEM_FAILCRITICALERRORS = 0x0001  # Windows: no "insert a disk" dialogs
SEM_NOGPFAULTERRORBOX = 0x0002  # Windows: no crash dialog, no Windows Error Reporting
SEM_NOOPENFILEERRORBOX = 0x8000
MOVEFILE_REPLACE_EXISTING = 0x1
MOVEFILE_WRITE_THROUGH = 0x8


class LockUnavailable(OSError):
    """Another process holds the lock."""


class NotRegularFile(OSError):
    """A path that must be a regular file is a link, a folder, a FIFO or a device."""


# --------------------------------------------------------------------------------------------
# The process lock


def open_regular_file(path: Path, flags: int, mode: int = 0o600) -> int:
    """Open `path` without following a symbolic link; refuse anything but a regular file.

    Raises `NotRegularFile` for a link, a folder or a special file (a FIFO is opened with
    O_NONBLOCK so it cannot hang us before it is refused).
    """
    if not O_NOFOLLOW and os.path.islink(path):
        raise NotRegularFile(f"{path} is a link")  # Windows has no O_NOFOLLOW
    try:
        fd = os.open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_BINARY, mode)
    except OSError as error:
        # A link under O_NOFOLLOW is ELOOP (EMLINK on FreeBSD); a folder opened for writing is
        # EISDIR (EACCES on Windows).
        if error.errno in (errno.ELOOP, errno.EMLINK):
            raise NotRegularFile(f"{path} is a link") from None
        if error.errno in (errno.EISDIR, errno.EACCES) and os.path.isdir(path):
            raise NotRegularFile(f"{path} is a folder") from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(f"{path} is not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _lock_fd(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        # One byte at offset 0 (past the end of an empty file is allowed); LK_NBLCK fails at
        # once with OSError when another process holds it.
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock_fd(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


class ProcessLock:
    """An exclusive lock on the regular file `path` (created 0600 if missing).

    The operating system releases it when the process dies, however it dies: `flock` locks
    belong to the open file, which the kernel closes; Windows releases `msvcrt.locking`
    regions when the process ends. Raises `LockUnavailable` when another process holds it and
    `NotRegularFile` when `path` is a link, a folder or a special file.
    """

    def __init__(self, path: Path) -> None:
        self._fd: int | None = None
        fd = open_regular_file(path, os.O_RDWR | os.O_CREAT)
        try:
            _lock_fd(fd)
        except OSError:
            os.close(fd)
            raise LockUnavailable(f"{path} is locked by another process") from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                _unlock_fd(fd)
            finally:
                os.close(fd)


# --------------------------------------------------------------------------------------------
# Private files and folders


def _current_user_sid() -> str:
    """The current user's SID as a string (Windows only)."""
    if sys.platform == "win32":
        from ctypes import wintypes

        advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.GetCurrentProcess.restype = wintypes.HANDLE
        kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
        kernel32.LocalFree.argtypes = [wintypes.HLOCAL]
        kernel32.LocalFree.restype = wintypes.HLOCAL
        advapi32.OpenProcessToken.argtypes = [
            wintypes.HANDLE,
            wintypes.DWORD,
            ctypes.POINTER(wintypes.HANDLE),
        ]
        advapi32.OpenProcessToken.restype = wintypes.BOOL
        advapi32.GetTokenInformation.argtypes = [
            wintypes.HANDLE,
            ctypes.c_int,
            ctypes.c_void_p,
            wintypes.DWORD,
            ctypes.POINTER(wintypes.DWORD),
        ]
        advapi32.GetTokenInformation.restype = wintypes.BOOL
        advapi32.ConvertSidToStringSidW.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(wintypes.LPWSTR),
        ]
        advapi32.ConvertSidToStringSidW.restype = wintypes.BOOL
        token_query, token_user = 0x0008, 1
        token = wintypes.HANDLE()
        if not advapi32.OpenProcessToken(
            kernel32.GetCurrentProcess(), token_query, ctypes.byref(token)
        ):
            raise ctypes.WinError(ctypes.get_last_error())
        try:
            needed = wintypes.DWORD()
            advapi32.GetTokenInformation(token, token_user, None, 0, ctypes.byref(needed))
            buffer = ctypes.create_string_buffer(needed.value)
            if not advapi32.GetTokenInformation(
                token, token_user, buffer, needed, ctypes.byref(needed)
            ):
                raise ctypes.WinError(ctypes.get_last_error())
        finally:
            kernel32.CloseHandle(token)
        # TOKEN_USER starts with SID_AND_ATTRIBUTES, whose first member is the PSID.
        sid = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_void_p))[0]
        text = wintypes.LPWSTR()
        if not advapi32.ConvertSidToStringSidW(sid, ctypes.byref(text)):
            raise ctypes.WinError(ctypes.get_last_error())
        try:
            return str(text.value)
        finally:
            kernel32.LocalFree(ctypes.cast(text, wintypes.HLOCAL))
    raise NotImplementedError("only on Windows")


def owner_only_sddl(sid: str, *, folder: bool) -> str:
    """The access-control list, in SDDL, that grants `sid` full access and nobody else any.

    `D:P` is a protected DACL (nothing inherited from the parent folder: not Administrators,
    not SYSTEM, not Everyone); `FA` is full file access; a folder's entry is inherited by what
    is created in it (`OICI`), so new files are private from their first byte.
    """
    inherit = "OICI" if folder else ""
    return f"D:P(A;{inherit};FA;;;{sid})"


def _set_windows_acl(path: Path, sddl: str) -> None:
    """Replace the DACL of `path` with `sddl` (Windows only); raises OSError on failure."""
    if sys.platform == "win32":
        from ctypes import wintypes

        advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.LocalFree.argtypes = [wintypes.HLOCAL]
        kernel32.LocalFree.restype = wintypes.HLOCAL
        convert = advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW
        convert.argtypes = [
            wintypes.LPCWSTR,
            wintypes.DWORD,
            ctypes.POINTER(ctypes.c_void_p),
            ctypes.c_void_p,
        ]
        convert.restype = wintypes.BOOL
        advapi32.GetSecurityDescriptorDacl.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(wintypes.BOOL),
            ctypes.POINTER(ctypes.c_void_p),
            ctypes.POINTER(wintypes.BOOL),
        ]
        advapi32.GetSecurityDescriptorDacl.restype = wintypes.BOOL
        advapi32.SetNamedSecurityInfoW.argtypes = [
            wintypes.LPWSTR,
            ctypes.c_int,
            wintypes.DWORD,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        advapi32.SetNamedSecurityInfoW.restype = wintypes.DWORD
        sddl_revision_1, se_file_object = 1, 1
        dacl_security_information = 0x00000004
        protected_dacl_security_information = 0x80000000
        descriptor = ctypes.c_void_p()
        if not convert(sddl, sddl_revision_1, ctypes.byref(descriptor), None):
            raise ctypes.WinError(ctypes.get_last_error())
        try:
            present, defaulted = wintypes.BOOL(), wintypes.BOOL()
            dacl = ctypes.c_void_p()
            if not advapi32.GetSecurityDescriptorDacl(
                descriptor, ctypes.byref(present), ctypes.byref(dacl), ctypes.byref(defaulted)
            ):
                raise ctypes.WinError(ctypes.get_last_error())
            status = advapi32.SetNamedSecurityInfoW(
                str(path),
                se_file_object,
                dacl_security_information | protected_dacl_security_information,
                None,
                None,
                dacl,
                None,
            )
            if status != 0:
                raise ctypes.WinError(status)
        finally:
            kernel32.LocalFree(descriptor)
        return
    raise NotImplementedError("only on Windows")


def restrict_to_owner(path: Path, *, folder: bool) -> None:
    """Make the existing `path` private: 0700/0600 on POSIX, an owner-only ACL on Windows."""
    if sys.platform == "win32":
        _set_windows_acl(path, owner_only_sddl(_current_user_sid(), folder=folder))
    else:
        os.chmod(path, 0o700 if folder else 0o600)


def make_private_folder(path: Path) -> None:
    """Create the folder `path` (its parent must exist), private to the user from the start."""
    path.mkdir(mode=0o700)
    restrict_to_owner(path, folder=True)


def make_private_temp_folder(prefix: str, parent: Path | None = None) -> Path:
    """A new, uniquely named folder private to the user, in `parent` or the temp folder.

    `tempfile.mkdtemp` gives 0700 on POSIX but, on Windows, only the ACL inherited from the
    folder it is in; the owner-only ACL is set here before anything is written inside.
    """
    import tempfile  # with random and shutil: not at the start of every command

    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        restrict_to_owner(folder, folder=True)
    except BaseException:
        os.rmdir(folder)
        raise
    return folder


def open_new_private_file(path: Path, *, strict: bool = True) -> int:
    """Create `path`, which must not exist, for writing, private to the user; return its fd.

    With `strict=False` a file system that cannot hold permissions (FAT on a USB stick) is no
    error; callers use that only for files that are encrypted anyway.
    """
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | O_NOFOLLOW | O_BINARY, 0o600)
    try:
        if sys.platform == "win32":
            restrict_to_owner(path, folder=False)
        else:
            os.fchmod(fd, 0o600)
    except OSError:
        if strict:
            os.close(fd)
            raise
    except BaseException:
        os.close(fd)
        raise
    return fd


def foreign_owner(status: os.stat_result) -> int | None:
    """The owner's uid when a file belongs to someone other than this process's effective
    user; None when it is ours, or on Windows (where the folder's ACL is what counts)."""
    if sys.platform == "win32":
        return None
    if status.st_uid != os.geteuid():
        return status.st_uid
    return None


# --------------------------------------------------------------------------------------------
# Durable renames


def name_max(folder: Path, *, default: int) -> int:
    """The longest file name, in bytes, that `folder`'s file system takes (`default` where the
    system cannot say: Windows, or a `pathconf` error)."""
    if sys.platform == "win32":
        return default
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError):
        return default


def fsync_directory(directory: Path) -> None:
    """Make a rename or a new file in `directory` durable (POSIX).

    Windows cannot open a folder to fsync it: there `replace_durably` asks the rename itself to
    be written through instead, and this does nothing.
    """
    if sys.platform == "win32":
        return
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_durably(source: Path, target: Path) -> None:
    """Rename `source` over `target` atomically, and return only once that is on the disk."""
    if sys.platform == "win32":
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        move = kernel32.MoveFileExW
        move.argtypes = [ctypes.c_wchar_p, ctypes.c_wchar_p, ctypes.c_uint32]
        move.restype = ctypes.c_int
        if not move(str(source), str(target), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH):
            raise ctypes.WinError(ctypes.get_last_error())
        return
    os.replace(source, target)
    fsync_directory(target.parent)


# --------------------------------------------------------------------------------------------
# Process hardening


def _libc() -> Any:
    """The C library already loaded into this process (no ldconfig, no search)."""
    return ctypes.CDLL(None, use_errno=True)


def _windows_error_mode() -> bool:
    if sys.platform == "win32":
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.SetErrorMode.argtypes = [ctypes.c_uint]
        kernel32.SetErrorMode.restype = ctypes.c_uint
        wanted = SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX
        previous = kernel32.SetErrorMode(wanted)
        kernel32.SetErrorMode(previous | wanted)  # keep whatever was set already
        return True
    return False


def harden_process() -> tuple[str, ...]:
    """Apply the protections this platform offers; return the names of those that took.

    Failures are ignored (each is a narrowing of risk, none is needed to run); what cannot
    be done on each platform is in docs/security.md, "Platforms".
    """
    applied = []
    os.umask(0o077)
    applied.append("umask 077")
    if sys.platform == "win32":
        with contextlib.suppress(OSError, AttributeError):
            if _windows_error_mode():
                applied.append("SetErrorMode")
        return tuple(applied)
    try:
        import resource
    except ImportError:
        pass
    else:
        with contextlib.suppress(ValueError, OSError, AttributeError):
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            applied.append("RLIMIT_CORE 0")
    with contextlib.suppress(OSError, AttributeError):
        libc = _libc()
        if sys.platform.startswith("linux"):
            if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0:
                applied.append("PR_SET_DUMPABLE 0")
        elif sys.platform == "darwin" and libc.ptrace(PT_DENY_ATTACH, 0, None, 0) == 0:
            applied.append("PT_DENY_ATTACH")
    return tuple(applied)


# --------------------------------------------------------------------------------------------
# Swapping two folders in one step

_AT_FDCWD = -100  # Linux's value
_RENAME_EXCHANGE = 1 << 1
# errno values that mean "this system or file system cannot exchange", not "this swap failed".
_EXCHANGE_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def _renameat2() -> Any | None:
    """Linux's `renameat2` from the C library already loaded, or None (glibc before 2.28, musl
    before 1.2.3, or another system)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = _libc().renameat2
    except (OSError, AttributeError):
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


def exchange_folders(first: Path, second: Path) -> bool:
    """Swap what two existing paths name, atomically: both names exist before and after, and
    no moment exists at which one is missing (Linux 3.15+, `RENAME_EXCHANGE`). A restore uses it
    to put a verified journal in place of the current one.

    False when this system or file system cannot (some network and FUSE file systems say
    EINVAL; macOS and Windows have no such call here): nothing changed, and the caller falls
    back to two renames, which the restore's marker (core/recovery.py) lets the next start
    finish or undo. OSError for a real failure (a missing path, no permission).
    """
    function = _renameat2()
    if function is None:
        return False
    result = function(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _EXCHANGE_UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))
