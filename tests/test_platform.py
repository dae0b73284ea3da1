"""core/platform.py on Linux for real, and its Windows and macOS paths by simulation.

Only Linux runs these tests on a real machine. Windows and macOS are simulated here:
`sys.platform` is monkeypatched, `fcntl` and `resource` are made unimportable (as on Windows),
`msvcrt` is a fake that keeps real lock state, the Win32 DLLs are fakes that answer the way the
Win32 API documents and record every call, and `os.fchmod` is removed (Python 3.11 on Windows has
none). What this proves: each platform's branch is the one taken, calls the functions it should
with the arguments it should, and never touches another platform's modules. What it cannot
prove: that Windows itself behaves as documented (README, "Platforms").
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from peerjournal.core import platform
from peerjournal.core.errors import JournalInUse
from peerjournal.core.exchange import write_private_file, write_private_folder
from peerjournal.core.journal import Journal
from peerjournal.core.models import Session, new_id, now_iso
from tests.conftest import PASSPHRASE, TEST_POLICY

SID = "S-1-5-21-1004336348-1177238915-682003330-1001"
USER_SID_ADDRESS = 0x5A5A
DESCRIPTOR_ADDRESS = 0x6B6B
DACL_ADDRESS = 0x7C7C


# ---------------------------------------------------------------------------------------------
# Fakes


class FakeFunction:
    """A DLL function: takes argtypes/restype like ctypes' own, records its calls."""

    def __init__(
        self, name: str, calls: list[tuple[str, tuple[Any, ...]]], body: Callable[..., Any]
    ):
        self.name, self._calls, self._body = name, calls, body
        self.argtypes: list[Any] | None = None
        self.restype: Any = None

    def __call__(self, *args: Any) -> Any:
        # As ctypes does: every argument must convert to its declared type (declared they must
        # be: without argtypes, ctypes passes Python ints as 32-bit C ints, truncating handles).
        if args:
            assert self.argtypes is not None, f"{self.name} has no argtypes"
            assert len(args) == len(self.argtypes), f"{self.name}: wrong number of arguments"
            for argtype, arg in zip(self.argtypes, args, strict=True):
                argtype.from_param(arg)
        self._calls.append((self.name, args))
        return self._body(*args)


class FakeWin32:
    """kernel32 and advapi32 as far as platform.py uses them; `status` is SetNamedSecurityInfoW's
    answer (0 = success)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.acls: dict[str, tuple[str, int]] = {}  # path -> (SDDL, flags)
        self.status = 0
        self.error_mode = 0x0004  # something set before us, which must be kept
        self._sddl: dict[int, str] = {}

    def dll(self, name: str, use_last_error: bool = False) -> types.SimpleNamespace:
        assert use_last_error, "errors must come from GetLastError"
        bodies = {
            "kernel32": {
                "GetCurrentProcess": lambda: -1,
                "CloseHandle": lambda handle: 1,
                "LocalFree": lambda memory: None,
                "SetErrorMode": self._set_error_mode,
                "MoveFileExW": self._move,
            },
            "advapi32": {
                "OpenProcessToken": self._open_token,
                "GetTokenInformation": self._token_information,
                "ConvertSidToStringSidW": self._sid_to_string,
                "ConvertStringSecurityDescriptorToSecurityDescriptorW": self._descriptor,
                "GetSecurityDescriptorDacl": self._dacl,
                "SetNamedSecurityInfoW": self._set_security,
            },
        }[name.lower()]
        return types.SimpleNamespace(
            **{fn: FakeFunction(fn, self.calls, body) for fn, body in bodies.items()}
        )

    def _set_error_mode(self, mode: int) -> int:
        previous, self.error_mode = self.error_mode, mode
        return previous

    def _move(self, source: str, target: str, flags: int) -> int:
        assert flags == platform.MOVEFILE_REPLACE_EXISTING | platform.MOVEFILE_WRITE_THROUGH
        os.replace(source, target)
        return 1

    def _open_token(self, process: int, access: int, token: Any) -> int:
        assert access == 0x0008  # TOKEN_QUERY, nothing more
        token._obj.value = 0x1111
        return 1

    def _token_information(self, token: Any, kind: int, buffer: Any, size: Any, needed: Any) -> int:
        assert kind == 1  # TokenUser
        if buffer is None:
            needed._obj.value = 16
            return 0  # ERROR_INSUFFICIENT_BUFFER, as the real call answers
        pointer = ctypes.c_void_p(USER_SID_ADDRESS)
        ctypes.memmove(buffer, ctypes.byref(pointer), ctypes.sizeof(pointer))
        return 1

    def _sid_to_string(self, sid: int, text: Any) -> int:
        assert sid == USER_SID_ADDRESS
        text._obj.value = SID
        return 1

    def _descriptor(self, sddl: str, revision: int, descriptor: Any, size: Any) -> int:
        assert revision == 1
        self._sddl[DESCRIPTOR_ADDRESS] = sddl
        descriptor._obj.value = DESCRIPTOR_ADDRESS
        return 1

    def _dacl(self, descriptor: Any, present: Any, dacl: Any, defaulted: Any) -> int:
        assert descriptor.value == DESCRIPTOR_ADDRESS
        present._obj.value = 1
        dacl._obj.value = DACL_ADDRESS
        return 1

    def _set_security(self, path: str, kind: int, flags: int, *rest: Any) -> int:
        owner, group, dacl, sacl = rest
        assert kind == 1 and owner is None and group is None and sacl is None  # SE_FILE_OBJECT
        assert dacl.value == DACL_ADDRESS
        if self.status == 0:
            self.acls[path] = (self._sddl[DESCRIPTOR_ADDRESS], flags)
        return self.status


class FakeMsvcrt(types.ModuleType):
    """msvcrt.locking with real state: one byte per file, exclusive across descriptors."""

    LK_UNLCK, LK_LOCK, LK_NBLCK = 0, 1, 2

    def __init__(self) -> None:
        super().__init__("msvcrt")
        self.held: dict[tuple[int, int], int] = {}
        self.calls: list[tuple[int, int, int]] = []

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        assert os.lseek(fd, 0, os.SEEK_CUR) == 0 and nbytes == 1
        self.calls.append((fd, mode, nbytes))
        status = os.fstat(fd)
        key = (status.st_dev, status.st_ino)
        if mode == self.LK_NBLCK:
            if key in self.held:
                raise PermissionError(errno.EACCES, "Permission denied")
            self.held[key] = fd
        elif mode == self.LK_UNLCK:
            assert self.held.pop(key) == fd
        else:
            raise AssertionError("only non-blocking locks are used")


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeWin32, FakeMsvcrt]]:
    """Simulated Windows: sys.platform, msvcrt, the Win32 DLLs; no fcntl, resource, fchmod."""
    win32, msvcrt = FakeWin32(), FakeMsvcrt()
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "msvcrt", msvcrt)
    monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` raises ImportError
    monkeypatch.setitem(sys.modules, "resource", None)
    monkeypatch.delattr(os, "fchmod")
    monkeypatch.setattr(ctypes, "WinDLL", win32.dll, raising=False)
    monkeypatch.setattr(ctypes, "get_last_error", lambda: 5, raising=False)
    monkeypatch.setattr(
        ctypes, "WinError", lambda code=None: OSError(code, "simulated"), raising=False
    )
    yield win32, msvcrt


class FakeLibc:
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def ptrace(self, *args: Any) -> int:
        self.calls.append(("ptrace", args))
        return 0

    def prctl(self, *args: Any) -> int:
        self.calls.append(("prctl", args))
        return 0


# ---------------------------------------------------------------------------------------------
# Linux, for real


def test_the_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    first = platform.ProcessLock(tmp_path / "lock")
    with pytest.raises(platform.LockUnavailable):
        platform.ProcessLock(tmp_path / "lock")
    first.release()
    platform.ProcessLock(tmp_path / "lock").release()
    assert stat.S_IMODE((tmp_path / "lock").stat().st_mode) == 0o600


@pytest.mark.parametrize("kind", ["symlink", "folder", "fifo"])
def test_a_lock_path_that_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "lock"
    if kind == "symlink":
        (tmp_path / "elsewhere").write_bytes(b"")
        path.symlink_to(tmp_path / "elsewhere")
    elif kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)
    with pytest.raises(platform.NotRegularFile):
        platform.ProcessLock(path)


def test_private_files_and_folders_on_posix(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        platform.make_private_folder(tmp_path / "folder")
        os.close(platform.open_new_private_file(tmp_path / "folder" / "file"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "folder").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "folder" / "file").stat().st_mode) == 0o600
    with pytest.raises(FileExistsError):
        platform.open_new_private_file(tmp_path / "folder" / "file")


def test_replace_durably_fsyncs_the_folder_on_posix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[Path] = []
    monkeypatch.setattr(platform, "fsync_directory", synced.append)
    (tmp_path / "new").write_bytes(b"new")
    (tmp_path / "old").write_bytes(b"old")
    platform.replace_durably(tmp_path / "new", tmp_path / "old")
    assert (tmp_path / "old").read_bytes() == b"new" and synced == [tmp_path]


def test_linux_hardening_uses_rlimit_and_prctl(monkeypatch: pytest.MonkeyPatch) -> None:
    libc = FakeLibc()
    monkeypatch.setattr(platform, "_libc", lambda: libc)
    monkeypatch.setattr(sys, "platform", "linux")
    limits: list[Any] = []
    fake_resource = types.SimpleNamespace(RLIMIT_CORE=4, setrlimit=lambda *a: limits.append(a))
    monkeypatch.setitem(sys.modules, "resource", fake_resource)
    monkeypatch.setattr(os, "umask", lambda mask: 0o022)
    applied = platform.harden_process()
    assert applied == ("umask 077", "RLIMIT_CORE 0", "PR_SET_DUMPABLE 0")
    assert limits == [(4, (0, 0))]
    assert libc.calls == [("prctl", (platform.PR_SET_DUMPABLE, 0, 0, 0, 0))]


def test_the_c_library_is_the_one_already_loaded() -> None:
    # ctypes.CDLL(None), never ctypes.util.find_library (it runs ldconfig in a subprocess).
    assert platform._libc()._name is None


def test_owner_checks_compare_with_the_effective_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    status = tmp_path.stat()
    assert platform.foreign_owner(status) is None
    monkeypatch.setattr(os, "geteuid", lambda: status.st_uid + 1)
    assert platform.foreign_owner(status) == status.st_uid


# ---------------------------------------------------------------------------------------------
# macOS, simulated


def test_macos_hardening_denies_debuggers_and_core_dumps(monkeypatch: pytest.MonkeyPatch) -> None:
    libc = FakeLibc()
    monkeypatch.setattr(platform, "_libc", lambda: libc)
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(os, "umask", lambda mask: 0o022)
    limits: list[Any] = []
    fake_resource = types.SimpleNamespace(RLIMIT_CORE=4, setrlimit=lambda *a: limits.append(a))
    monkeypatch.setitem(sys.modules, "resource", fake_resource)
    assert platform.harden_process() == ("umask 077", "RLIMIT_CORE 0", "PT_DENY_ATTACH")
    assert libc.calls == [("ptrace", (platform.PT_DENY_ATTACH, 0, None, 0))]  # no prctl
    assert limits == [(4, (0, 0))]


def test_hardening_goes_on_without_the_resource_module(monkeypatch: pytest.MonkeyPatch) -> None:
    libc = FakeLibc()
    monkeypatch.setattr(platform, "_libc", lambda: libc)
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(os, "umask", lambda mask: 0o022)
    monkeypatch.setitem(sys.modules, "resource", None)
    assert platform.harden_process() == ("umask 077", "PT_DENY_ATTACH")


def test_a_journal_works_on_simulated_macos(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        journal.save(Session(id=new_id(), occurred_at=now_iso(), notes="darwin"))
        with pytest.raises(JournalInUse):
            Journal.open(home, PASSPHRASE, policy=TEST_POLICY)
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        assert journal.counts()["session"] == 1
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


# ---------------------------------------------------------------------------------------------
# Windows, simulated


def test_windows_lock_uses_msvcrt_and_never_fcntl(
    tmp_path: Path, windows: tuple[FakeWin32, FakeMsvcrt]
) -> None:
    _, msvcrt = windows
    first = platform.ProcessLock(tmp_path / "lock")
    with pytest.raises(platform.LockUnavailable):
        platform.ProcessLock(tmp_path / "lock")
    first.release()
    second = platform.ProcessLock(tmp_path / "lock")
    second.release()
    modes = [mode for _, mode, _ in msvcrt.calls]
    assert modes == [2, 2, 0, 2, 0]  # LK_NBLCK, refused LK_NBLCK, LK_UNLCK, LK_NBLCK, LK_UNLCK
    assert msvcrt.held == {}


def test_windows_private_folder_gets_an_owner_only_protected_acl(
    tmp_path: Path, windows: tuple[FakeWin32, FakeMsvcrt]
) -> None:
    win32, _ = windows
    platform.make_private_folder(tmp_path / "journal")
    fd = platform.open_new_private_file(tmp_path / "journal" / "file")
    os.close(fd)
    protected_dacl = 0x80000000 | 0x4  # PROTECTED_DACL_ | DACL_SECURITY_INFORMATION
    assert win32.acls == {
        str(tmp_path / "journal"): (f"D:P(A;OICI;FA;;;{SID})", protected_dacl),
        str(tmp_path / "journal" / "file"): (f"D:P(A;;FA;;;{SID})", protected_dacl),
    }
    # Every handle opened is closed, every buffer Windows allocated is freed.
    names = [name for name, _ in win32.calls]
    assert names.count("OpenProcessToken") == names.count("CloseHandle") == 2
    assert names.count("LocalFree") == 4  # the SID string and the descriptor, twice


def test_windows_exports_are_private_files_in_a_private_folder(
    tmp_path: Path, windows: tuple[FakeWin32, FakeMsvcrt]
) -> None:
    win32, _ = windows
    write_private_file(tmp_path / "notes.json", b"{}")
    write_private_folder(tmp_path / "split", [("one.md", b"# one")])
    assert (tmp_path / "split" / "one.md").read_bytes() == b"# one"
    folders = [sddl for path, (sddl, _) in win32.acls.items() if ".split.partial-" in path]
    files = [sddl for path, (sddl, _) in win32.acls.items() if ".one.md.partial-" in path]
    assert folders[0] == f"D:P(A;OICI;FA;;;{SID})" and files == [f"D:P(A;;FA;;;{SID})"]
    assert any(".notes.json.partial-" in path for path in win32.acls)


def test_windows_acl_failure_is_an_error_not_a_silent_public_file(
    tmp_path: Path, windows: tuple[FakeWin32, FakeMsvcrt]
) -> None:
    win32, _ = windows
    win32.status = 5  # ERROR_ACCESS_DENIED
    with pytest.raises(OSError):
        platform.make_private_folder(tmp_path / "journal")
    with pytest.raises(OSError):
        platform.open_new_private_file(tmp_path / "file")


def test_windows_rename_is_written_through_and_no_folder_is_opened(
    tmp_path: Path, windows: tuple[FakeWin32, FakeMsvcrt], monkeypatch: pytest.MonkeyPatch
) -> None:
    win32, _ = windows
    real_open = os.open

    def no_folders(path: Any, flags: int, *args: Any) -> int:
        assert not os.path.isdir(path), "Windows cannot open a folder to fsync it"
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", no_folders)
    (tmp_path / "new").write_bytes(b"new")
    (tmp_path / "old").write_bytes(b"old")
    platform.replace_durably(tmp_path / "new", tmp_path / "old")
    platform.fsync_directory(tmp_path)
    assert (tmp_path / "old").read_bytes() == b"new"
    assert [name for name, _ in win32.calls] == ["MoveFileExW"]


def test_windows_hardening_sets_the_error_mode_and_keeps_the_old_bits(
    windows: tuple[FakeWin32, FakeMsvcrt], monkeypatch: pytest.MonkeyPatch
) -> None:
    win32, _ = windows
    monkeypatch.setattr(os, "umask", lambda mask: 0)
    monkeypatch.setattr(platform, "_libc", lambda: pytest.fail("no C library calls on Windows"))
    assert platform.harden_process() == ("umask 077", "SetErrorMode")
    wanted = 0x0001 | 0x0002 | 0x8000
    assert win32.error_mode == 0x0004 | wanted


def test_a_journal_works_on_simulated_windows(
    home: Path, windows: tuple[FakeWin32, FakeMsvcrt]
) -> None:
    win32, msvcrt = windows
    with Journal.create(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        journal.save(Session(id=new_id(), occurred_at=now_iso(), notes="windows"))
        with pytest.raises(JournalInUse):
            Journal.open(home, PASSPHRASE, policy=TEST_POLICY)
        journal.change_passphrase("another long passphrase here", TEST_POLICY)
    with Journal.open(home, "another long passphrase here", policy=TEST_POLICY) as journal:
        assert journal.counts()["session"] == 1
    assert msvcrt.held == {}
    assert win32.acls[str(home)][0] == f"D:P(A;OICI;FA;;;{SID})"
    for name in ("header.json", "journal-2.db", "lock"):
        assert win32.acls[str(home / name)][0] == f"D:P(A;;FA;;;{SID})", name
    # The header was switched with a written-through rename, never with a folder fsync.
    assert any(name == "MoveFileExW" for name, _ in win32.calls)


# ---------------------------------------------------------------------------------------------
# The package as a whole


def test_every_module_imports_without_posix_only_modules() -> None:
    """As on Windows: no `fcntl` or `resource`; every core module and the CLI still import."""
    code = (
        "import sys, pkgutil, importlib\n"
        "sys.modules['fcntl'] = None; sys.modules['resource'] = None\n"
        "import peerjournal.core as core\n"
        "for m in pkgutil.iter_modules(core.__path__):\n"
        "    importlib.import_module('peerjournal.core.' + m.name)\n"
        "import peerjournal.cli\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr


def test_platform_modules_are_imported_only_inside_platform_py() -> None:
    import peerjournal

    root = Path(peerjournal.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text()
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                module = stripped.split()[1].split(".")[0]
                if module in ("fcntl", "resource", "msvcrt"):
                    assert line.startswith(" "), f"{path.name}: module-level {stripped!r}"
                    assert path.name == "platform.py", f"{path.name} imports {module}"
        assert "find_library(" not in text, f"{path.name}: find_library runs ldconfig"
        if path.name != "platform.py":  # a Windows mkdtemp folder is not private by itself
            assert "mkdtemp(" not in text, f"{path.name}: use platform.make_private_temp_folder"
        if path.parent.name == "core" and path.name != "platform.py":
            assert "sys.platform" not in text, f"{path.name} looks at sys.platform"


def test_windows_temp_folders_get_an_owner_only_acl_before_use(
    tmp_path: Path, windows: tuple[FakeWin32, FakeMsvcrt]
) -> None:
    # Demo folders, backup scratch folders and restore staging come from here: on Windows
    # mkdtemp's folder only inherits its parent's ACL, which may let other users read it.
    win32, _ = windows
    folder = platform.make_private_temp_folder("pj-test-", tmp_path)
    assert folder.parent == tmp_path and folder.name.startswith("pj-test-")
    assert win32.acls[str(folder)] == (f"D:P(A;OICI;FA;;;{SID})", 0x80000000 | 0x4)


def test_a_temp_folder_that_cannot_be_made_private_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: Path, *, folder: bool) -> None:
        raise OSError(errno.EACCES, "no ACL for you")

    monkeypatch.setattr(platform, "restrict_to_owner", refuse)
    with pytest.raises(OSError):
        platform.make_private_temp_folder("pj-test-", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_temp_folders_are_private_on_posix(tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("POSIX permissions")
    folder = platform.make_private_temp_folder("pj-test-", tmp_path)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
