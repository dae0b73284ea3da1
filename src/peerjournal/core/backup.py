"""Encrypted backups: write one, verify one, restore one, and keep the last N automatically.

A backup is one uncompressed tar file with exactly two members::

    header.json       the journal's header, exactly as it authenticates the journal
    journal-<g>.db    an sqlcipher_export of the database, keyed with the journal's own key

Both members are encrypted or authenticated exactly as they are at rest, so the passphrase that
opens the journal opens the backup, and no member holds plaintext note text. A backup is
written under a temporary name, fsynced, verified (header MAC, both integrity checks, the same
counts as the journal) and only then renamed into place.

Reading a backup never extracts it: each member is checked by name, type and size, the header
is read into memory and the database is copied into a private scratch folder (mode 0700), so a
link, a device, an absolute or `..` name, an extra or a missing member is refused before
anything is opened. Verification derives the keys from the passphrase (a wrong one is
`WrongPassphrase`), checks the MAC and both integrity checks; anything else wrong is
`BackupDamaged` (exit 4).

A restore verifies the whole backup first, in a folder beside the journal's, then swaps the
two folders: in one step where the system can (`platform.exchange_folders`, Linux's
RENAME_EXCHANGE), else with two renames. The current journal folder becomes
`<home>.replaced-<time>` and the verified one becomes `<home>`. At every moment both
journals exist completely on disk, and a marker inside the restored copy lets the next start
(`recovery.recover`) finish or undo a swap that a crash cut off. The restored journal is
opened before the call returns; if it does not open, the previous one is put back. The
replaced journal is kept (it still opens with its old passphrase) and its folder is reported,
for the user to delete once they are sure.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import io
import json
import os
import re
import shutil
import stat
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import sqlcipher3

from peerjournal.core import platform
from peerjournal.core.errors import (
    BackupDamaged,
    BackupFailed,
    JournalDamaged,
    JournalError,
    StorageFull,
    UsageError,
    WrongPassphrase,
)
from peerjournal.core.exchange import _rename_no_clobber
from peerjournal.core.journal import Journal
from peerjournal.core.kdf import DEFAULT_POLICY, DerivedKeys, KdfPolicy, check_params, derive_keys
from peerjournal.core.models import BY_KIND, now_iso
from peerjournal.core.recovery import (
    JOURNAL_FOLDER_ENTRY,
    RESTORE_MARKER,
    RestorePlan,
    free_name,
    recover,
    remove_if_no_journal,
    write_restore_marker,
)
from peerjournal.core.schema import LATEST_VERSION
from peerjournal.core.vault import (
    HEADER_NAME,
    MAX_HEADER_BYTES,
    Header,
    ProcessLock,
    Vault,
    _fsync_directory,
    db_name,
    integrity_problems,
    open_database,
    parse_header,
    write_file_atomically,
)

BACKUP_SUFFIX = ".pjbackup"
MAX_DATABASE_BYTES = 64 * 1024**3
MADE_AT_SETTING = "backup_made_at"  # written into the backup's copy of the settings only
AUTO_FOLDER_SETTING = "auto_backup_folder"
AUTO_KEEP_SETTING = "auto_backup_keep"
AUTO_MARKER_SETTING = "auto_backup_change_count"
AUTO_FILES_SETTING = "auto_backup_files"  # names of this journal's automatic backups
DEFAULT_KEEP = 5
MAX_KEEP = 100
AUTO_PREFIX = "peerjournal-backup-"

_DATABASE_MEMBER = re.compile(r"^journal-(\d{1,10})\.db$")
_AUTO_NAME = re.compile(r"^peerjournal-backup-\d{8}-\d{6}(?:-\d+)?\.pjbackup$")
_PARTIAL = re.compile(r"^\..+\.partial-(\d{1,10})$")
_AUTO_PARTIAL = re.compile(r"^\.peerjournal-backup-\d{8}-\d{6}(?:-\d+)?\.pjbackup\.partial-\d+$")
# What a journal folder may hold; restore refuses to move a folder holding anything else.
_JOURNAL_FOLDER_ENTRY = JOURNAL_FOLDER_ENTRY
_CHUNK = 1024 * 1024
_PLAIN_FILE_TYPES = (tarfile.REGTYPE, tarfile.AREGTYPE)
# Free space to leave beyond a working copy: the rest of the disk is not ours to fill.
_ROOM_SLACK_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class BackupSummary:
    """What a verified backup holds."""

    path: Path
    made_at: str | None  # None for a backup without the stamp (only if made by hand)
    journal_created_at: str
    generation: int
    schema_version: int
    counts: dict[str, int]
    size_bytes: int
    # Hidden partial backups that crashed runs had left beside the target, removed this time.
    cleaned: tuple[str, ...] = ()

    @property
    def cleaned_notice(self) -> str | None:
        if not self.cleaned:
            return None
        return (
            f"Removed {len(self.cleaned)} unfinished backup file"
            f"{'s' if len(self.cleaned) > 1 else ''} that an interrupted backup had left in "
            f"{self.path.parent} ({', '.join(self.cleaned)})."
        )


@dataclass(frozen=True)
class _Verified:
    header: Header
    header_bytes: bytes
    keys: DerivedKeys
    database: Path
    summary: BackupSummary


def _refused(path: Path, detail: str) -> BackupDamaged:
    return BackupDamaged(
        f"{path} is not a usable peerjournal backup: {detail}. Nothing was changed."
    )


# --------------------------------------------------------------------------------------------
# Small file helpers


def _fsync_folder(folder: Path) -> None:
    """fsync a directory; some filesystems (FAT on USB sticks) cannot, which is not an error."""
    with contextlib.suppress(OSError):
        _fsync_directory(folder)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _scratch_folder(near: Path | None, prefix: str) -> Iterator[Path]:
    """A private (0700) folder for encrypted working copies, removed afterwards.

    It holds a `lock` for as long as it is used, so that `recovery.recover` at another
    process's start can tell a folder at work from one a crash left behind.
    """
    parent = near if near is not None and near.is_dir() else None
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        lock = ProcessLock(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        yield folder
    finally:
        lock.release()
        shutil.rmtree(folder, ignore_errors=True)


def scratch_near(home: Path) -> Path | None:
    """Where to verify a backup: in the journal folder, or beside it, or the system temp."""
    home = Path(home)
    for candidate in (home, home.parent):
        if candidate.is_dir():
            return candidate
    return None


def _write_error(error: OSError, what: str) -> JournalError:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFull(f"The disk is full, so {what} was not written. Nothing was changed.")
    return BackupFailed(f"{what.capitalize()} could not be written ({error.strerror}).")


# --------------------------------------------------------------------------------------------
# Reading a backup file


def _open_regular_file(path: Path) -> IO[bytes]:
    try:
        # O_NONBLOCK so a FIFO given by mistake cannot hang us; it is refused just below.
        fd = os.open(path, os.O_RDONLY | platform.O_NONBLOCK | platform.O_BINARY)
    except FileNotFoundError:
        raise UsageError(f"There is no file {path}.") from None
    except OSError as error:
        raise UsageError(f"Cannot read {path}: {error.strerror}.") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _refused(path, "it is not a regular file")
    return os.fdopen(fd, "rb")


def _member_problem(member: tarfile.TarInfo, archive_size: int) -> str | None:
    name = member.name
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or len(parts) > 1:
        return "it contains a member with an unsafe name"
    # Plain files only. tarfile counts GNU sparse members (and PAX ones, which keep the plain
    # type) as regular files and writes their holes out as zeros: a 10 KB file could make us
    # write 64 GiB before any header or passphrase was checked.
    if member.type not in _PLAIN_FILE_TYPES or member.issparse():
        return "it contains a link, folder, sparse or special file"
    if name != HEADER_NAME and not _DATABASE_MEMBER.match(name):
        return "it contains a member that is not part of a journal"
    # A member's data lies inside the file; a header that claims more is lying.
    if member.offset_data + member.size > archive_size:
        return "a member claims more data than the file holds (it is truncated or crafted)"
    return None


def _check_room(folder: Path, size: int) -> None:
    """Refuse before writing when `folder`'s disk cannot take `size` bytes (and some slack)."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # unknown: the write itself will say if the disk fills up
    if free < size + _ROOM_SLACK_BYTES:
        raise StorageFull(
            f"There is not enough free space in {folder} to check this backup "
            f"({size / 1_000_000:.1f} MB needed). Free some space and try again; nothing was "
            "changed."
        )


def _copy_member(source: IO[bytes], size: int, target: Path) -> None:
    _check_room(target.parent, size)
    fd = platform.open_new_private_file(target)
    try:
        remaining = size
        while remaining:
            chunk = source.read(min(_CHUNK, remaining))
            if not chunk:
                raise tarfile.ReadError("unexpected end of data")
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
            remaining -= len(chunk)
        os.fsync(fd)
    except OSError as error:
        raise _write_error(error, "the working copy") from None
    finally:
        os.close(fd)


def _read_members(path: Path, scratch: Path) -> tuple[bytes, Path, int]:
    """Check the tar's members and return (header bytes, database copy, backup size)."""
    header: bytes | None = None
    database: Path | None = None
    with _open_regular_file(path) as raw:
        size = os.fstat(raw.fileno()).st_size
        claimed = 0  # bytes the members say they hold; together they cannot exceed the file
        try:
            with tarfile.open(fileobj=raw, mode="r:") as tar:
                for member in tar:
                    problem = _member_problem(member, size)
                    if problem:
                        raise _refused(path, problem)
                    claimed += member.size
                    if claimed > size:
                        raise _refused(path, "its members claim more data than the file holds")
                    source = tar.extractfile(member)
                    assert source is not None  # a regular file always has data
                    if member.name == HEADER_NAME:
                        if header is not None:
                            raise _refused(path, "its header appears twice")
                        if member.size > MAX_HEADER_BYTES:
                            raise _refused(path, "its header is far too large")
                        header = source.read(member.size)
                        if len(header) != member.size:
                            raise tarfile.ReadError("unexpected end of data")
                    else:
                        if database is not None:
                            raise _refused(path, "it holds more than one database")
                        if not 0 < member.size <= MAX_DATABASE_BYTES:
                            raise _refused(path, "its database has an impossible size")
                        database = scratch / member.name
                        _copy_member(source, member.size, database)
        except tarfile.TarError as error:
            detail = str(error)
            if "unexpected end" in detail:
                raise _refused(path, "it is truncated") from None
            raise _refused(path, "it is not a backup file (not a tar archive)") from None
        except (EOFError, IndexError):
            # IndexError: tarfile reading a GNU sparse extension block cut off by the end.
            raise _refused(path, "it is truncated") from None
    if header is None:
        raise _refused(path, "it has no header.json (it may be truncated)")
    if database is None:
        raise _refused(path, "it has no database (it may be truncated)")
    return header, database, size


def _load(
    path: Path,
    scratch: Path,
    keys_for: Callable[[Header], DerivedKeys],
    policy: KdfPolicy,
) -> _Verified:
    """Read, authenticate and check a backup whose database is copied into `scratch`."""
    path = Path(path)
    header_bytes, database, size = _read_members(path, scratch)
    try:
        header = parse_header(header_bytes)
    except JournalDamaged:
        raise _refused(path, "its header is damaged") from None
    if database.name != db_name(header.generation):
        raise _refused(path, "its database does not belong to its header")
    try:
        check_params(header.params, header.salt, policy)
    except JournalDamaged:
        raise _refused(path, "its key-derivation settings are outside the accepted range") from None
    keys = keys_for(header)
    if not header.verifies(keys):
        raise WrongPassphrase(
            "That passphrase does not open this backup (or its header was altered). "
            "Nothing was changed."
        )
    try:
        conn = open_database(database, keys)
    except JournalDamaged:
        raise _refused(path, "its database is damaged") from None
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > LATEST_VERSION:
            raise JournalError(
                f"{path} was made by a newer version of peerjournal; update peerjournal to use "
                "it. Nothing was changed."
            )
        if version < 1:
            raise _refused(path, "its database holds no journal")
        if integrity_problems(conn):
            raise _refused(path, "its database fails the integrity checks")
        # A backup made before a kind existed has no table for it (it gains one when it is
        # restored and opened): none of that kind.
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        counts = {
            kind: int(conn.execute(f"SELECT count(*) FROM {cls.TABLE}").fetchone()[0])  # noqa: S608
            if cls.TABLE in tables
            else 0
            for kind, cls in BY_KIND.items()
        }
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (MADE_AT_SETTING,))
        made = row.fetchone()
    except sqlcipher3.DatabaseError:
        raise _refused(path, "its database cannot be read completely") from None
    finally:
        conn.close()
    made_at = _json_string(made[0]) if made else None
    summary = BackupSummary(
        path=path,
        made_at=made_at,
        journal_created_at=header.created_at,
        generation=header.generation,
        schema_version=version,
        counts=counts,
        size_bytes=size,
    )
    return _Verified(header, header_bytes, keys, database, summary)


def _json_string(raw: Any) -> str | None:
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, str) else None


def verify_backup(
    path: Path,
    passphrase: str,
    *,
    policy: KdfPolicy = DEFAULT_POLICY,
    scratch: Path | None = None,
) -> BackupSummary:
    """Verify a backup completely without restoring it; return what it holds.

    `scratch` is the folder in which a private working folder is made for the encrypted
    database copy (default: the system's temporary folder); nothing is left there.
    """
    with _scratch_folder(scratch, ".peerjournal-verify-") as folder:
        verified = _load(
            Path(path),
            folder,
            lambda header: derive_keys(passphrase, header.salt, header.params),
            policy,
        )
    return verified.summary


# --------------------------------------------------------------------------------------------
# Writing a backup


def _tar_member(name: str, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o600
    info.type = tarfile.REGTYPE
    info.uid = info.gid = 0
    info.uname = info.gname = ""  # nothing about the local account
    return info


def _write_tar(target: Path, header_bytes: bytes, database: Path, mtime: int) -> None:
    # FAT-formatted sticks refuse chmod (strict=False); the file is encrypted anyway.
    fd = platform.open_new_private_file(target, strict=False)
    with os.fdopen(fd, "wb") as out:
        with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
            header_member = _tar_member(HEADER_NAME, len(header_bytes), mtime)
            tar.addfile(header_member, io.BytesIO(header_bytes))
            with database.open("rb") as data:
                size = os.fstat(data.fileno()).st_size
                tar.addfile(_tar_member(database.name, size, mtime), data)
        out.flush()
        os.fsync(out.fileno())


def _move_into_place(partial: Path, target: Path, *, overwrite: bool) -> None:
    if overwrite:
        os.replace(partial, target)
    else:
        try:
            _rename_no_clobber(partial, target)
        except FileExistsError:
            raise UsageError(f"{target} already exists; choose another name.") from None
    _fsync_folder(target.parent)


def create_backup(journal: Journal, target: Path, *, overwrite: bool = False) -> BackupSummary:
    """Write a verified, encrypted backup of `journal` to the file `target`.

    The same passphrase opens it. Refuses to replace an existing file unless `overwrite`.
    Nothing is left behind on failure: neither a partial file nor a working copy.
    """
    target = Path(target)
    if target.is_dir():
        raise UsageError(f"{target} is a folder; give a file name for the backup.")
    if target.exists() and not overwrite:
        raise UsageError(f"{target} already exists; choose another name or allow overwriting.")
    if not target.parent.is_dir():
        raise UsageError(f"The folder {target.parent} does not exist.")
    if target.parent.resolve() == journal.home.resolve():
        raise UsageError(
            "A backup inside the journal folder would be lost with it; choose another folder."
        )
    made_at = now_iso()
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)  # ours by name: left by a crash of an earlier run
    cleaned = _remove_stale_partials(target.parent)
    with _scratch_folder(journal.home, ".backup-") as work:
        with journal.locked_connection():
            header = journal.vault.header
            keys = journal.vault.keys
            copy = work / db_name(header.generation)
            counts = journal.write_encrypted_copy(copy, {MADE_AT_SETTING: made_at})
        try:
            try:
                mtime = int(datetime.fromisoformat(made_at).timestamp())
                _write_tar(partial, header.to_bytes(), copy, mtime)
            except OSError as error:
                raise _write_error(error, "the backup") from None
            copy.unlink()
            check = work / "verify"
            check.mkdir(mode=0o700)
            try:
                summary = _load(partial, check, lambda _: keys, journal.vault.policy).summary
            except (JournalDamaged, WrongPassphrase):
                raise BackupFailed(
                    "The backup was written but did not pass its verification, so it was not "
                    "kept. Check the disk or stick and try again."
                ) from None
            if summary.counts != counts:
                raise BackupFailed(
                    "The backup does not hold the same entries as the journal, so it was not kept."
                )
            try:
                _move_into_place(partial, target, overwrite=overwrite)
            except OSError as error:
                raise _write_error(error, "the backup") from None
        finally:
            partial.unlink(missing_ok=True)
    return dataclasses.replace(summary, path=target, cleaned=cleaned)


def _remove_stale_partials(folder: Path) -> tuple[str, ...]:
    """Remove the hidden partial backups (`.NAME.partial-PID`) that crashed backups left in
    `folder`: only files of that name whose process is gone and that are empty or begin with
    a peerjournal header, so nothing else is ever touched. Encrypted, but a partial made before
    a passphrase change still opens with the old passphrase."""
    removed: list[str] = []
    with contextlib.suppress(OSError):
        for entry in sorted(folder.iterdir()):
            match = _PARTIAL.match(entry.name)
            if not match or entry.is_symlink() or not entry.is_file():
                continue
            if _process_alive(int(match.group(1))):
                continue
            if entry.stat().st_size and _journal_created_at(entry) is None:
                continue
            entry.unlink(missing_ok=True)
            removed.append(entry.name)
    return tuple(removed)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process (EPERM): not ours to judge
    return True


# --------------------------------------------------------------------------------------------
# Restoring


@dataclass(frozen=True)
class RestoreResult:
    """The restored journal, open, and where the journal it replaced is kept (if there was one)."""

    journal: Journal
    replaced_kept_in: Path | None


def _journal_folder_state(home: Path) -> bool:
    """Whether `home` exists; refuses a folder that holds anything but a journal."""
    if home.is_symlink():
        raise UsageError(
            f"{home} is a symbolic link; restore into the folder it points to with --home."
        )
    if not home.exists():
        return False
    if not home.is_dir():
        raise UsageError(f"{home} is not a folder, so nothing was restored there.")
    if any(not _JOURNAL_FOLDER_ENTRY.match(entry.name) for entry in home.iterdir()):
        raise UsageError(
            f"{home} holds files that are not part of a journal, so it was not replaced. Move "
            "them elsewhere, or restore into a new folder with --home. Nothing was changed."
        )
    return True


class PreparedRestore:
    """A backup verified in full and staged beside the journal folder, ready to swap in.

    Nothing in the journal folder has changed yet. `install()` swaps it in; `discard()` (or
    leaving the `with` block without installing) removes the staged copy.
    """

    def __init__(
        self,
        home: Path,
        staging: Path,
        staging_lock: ProcessLock,
        home_lock: ProcessLock | None,
        verified: _Verified,
        policy: KdfPolicy,
    ) -> None:
        self.home = home
        self.summary = verified.summary
        self.replaces_journal = (home / HEADER_NAME).exists()
        self._staging: Path | None = staging
        self._staging_lock: ProcessLock | None = staging_lock
        self._home_lock = home_lock
        self._verified: _Verified | None = verified  # holds the backup's keys until used
        self._policy = policy

    def __enter__(self) -> PreparedRestore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def discard(self) -> None:
        """Forget the staged copy and the backup's keys; the journal folder is as it was."""
        self._verified = None
        if self._staging_lock is not None:
            self._staging_lock.release()
            self._staging_lock = None
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None
        if self._home_lock is not None:
            self._home_lock.release()
            self._home_lock = None

    def install(self) -> RestoreResult:
        """Swap the verified journal in, open it, and keep the replaced one aside.

        Steps (each a `_restore_step`, where tests simulate a crash): write the marker into
        the staged copy (`marked`); swap it with the journal folder in one step where the
        system can (`exchanged`), else move the journal aside (`moved_aside`) and the copy in;
        move the replaced journal to `<home>.replaced-<time>` (`moved_in`); open the restored
        journal (`opened`); remove the marker. `recovery.recover` finishes or undoes a restore
        cut off anywhere in between.
        """
        staging, staging_lock, verified = self._staging, self._staging_lock, self._verified
        if staging is None or staging_lock is None or verified is None:
            raise RuntimeError("this restore was already installed or discarded")
        home, parent = self.home, self.home.parent
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        replacing = os.path.lexists(home)
        aside = free_name(parent, f"{home.name}.replaced-{stamp}") if replacing else None
        try:
            write_restore_marker(staging, RestorePlan(staging.name, aside.name if aside else None))
        except OSError as error:
            self.discard()
            raise _write_error(error, "the restore's marker") from None
        _restore_step("marked")
        self._swap_in(staging, aside)
        self._staging = self._staging_lock = None  # they are the journal folder and its lock now
        self._verified = None  # from here on only the vault holds the keys
        _fsync_folder(parent)
        _restore_step("moved_in")
        vault = Vault(home, verified.header, staging_lock, self._policy)
        try:
            vault.unlock_with_keys(verified.keys)
            journal = Journal(vault)
        except Exception:
            vault.close()
            failed = self._put_back(aside, stamp)
            raise BackupFailed(
                f"The restored journal did not open, so the previous one was put back. The "
                f"restored copy was left in {failed}."
            ) from None
        _restore_step("opened")
        (home / RESTORE_MARKER).unlink(missing_ok=True)
        _fsync_folder(home)
        if self._home_lock is not None:
            self._home_lock.release()
            self._home_lock = None
        if aside is not None and not (aside / HEADER_NAME).exists():
            aside = remove_if_no_journal(aside, _JOURNAL_FOLDER_ENTRY)
        return RestoreResult(journal, aside)

    def _swap_in(self, staging: Path, aside: Path | None) -> None:
        """Put the staged journal at `home`; the replaced one (if any) ends up at `aside`."""
        home = self.home
        try:
            if aside is None:
                os.rename(staging, home)
            elif platform.exchange_folders(staging, home):
                _restore_step("exchanged")
                os.rename(staging, aside)  # the replaced journal, under the staging name now
            else:
                os.rename(home, aside)
                _restore_step("moved_aside")
                try:
                    os.rename(staging, home)
                except OSError:
                    os.rename(aside, home)
                    raise
        except OSError as error:
            if os.path.lexists(home / RESTORE_MARKER):
                # Swapped, but the replaced journal could not be renamed: it stays under the
                # staging name (so it must not be removed as a staged copy), and the marker
                # stays too, so the next start moves it aside.
                self._staging = None
                self.discard()
                raise BackupFailed(
                    f"The backup was restored, but the journal it replaced could not be moved "
                    f"aside ({error.strerror}); it is kept in {staging} for now."
                ) from None
            if not os.path.lexists(home):
                # Half-way through two renames, and putting the journal back failed too: let
                # go of the folders as they are and settle them as the next start would.
                self._staging = None
                self.discard()
                settled = " ".join(recover(home))
                raise BackupFailed(
                    f"The restored journal could not be put in place ({error.strerror}). {settled}"
                ) from None
            self.discard()
            raise BackupFailed(
                f"The restored journal could not be put in place ({error.strerror}); "
                "nothing was changed."
            ) from None

    def _put_back(self, aside: Path | None, stamp: str) -> Path:
        """The restored journal did not open: move it out, put the replaced one back."""
        home = self.home
        failed = free_name(home.parent, f"{home.name}.failed-restore-{stamp}")
        if aside is not None and platform.exchange_folders(home, aside):
            _restore_step("failed_exchanged")
            os.rename(aside, failed)
        else:
            os.rename(home, failed)
            _restore_step("failed_moved_out")
            if aside is not None:
                os.rename(aside, home)
        (failed / RESTORE_MARKER).unlink(missing_ok=True)
        _fsync_folder(home.parent)
        self.discard()
        return failed


def _restore_step(name: str) -> None:
    """A seam for fault-injection tests: they replace this to stop a restore at a named step."""


def prepare_restore(
    home: Path, backup: Path, passphrase: str, *, policy: KdfPolicy = DEFAULT_POLICY
) -> PreparedRestore:
    """Verify `backup` fully and stage it beside `home`; change nothing in `home` yet.

    Raises JournalInUse when the journal in `home` is open elsewhere, WrongPassphrase when the
    passphrase does not open the backup, BackupDamaged when the backup is damaged, truncated
    or foreign, and UsageError when `home` holds files that are not a journal's.
    """
    home, backup = Path(home), Path(backup)
    exists = _journal_folder_state(home)
    home_lock = ProcessLock(home) if exists else None
    staging: Path | None = None
    staging_lock: ProcessLock | None = None
    try:
        home.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{home.name}.restoring-", dir=home.parent))
        staging_lock = ProcessLock(staging)
        verified = _load(
            backup,
            staging,
            lambda header: derive_keys(passphrase, header.salt, header.params),
            policy,
        )
        write_file_atomically(staging / HEADER_NAME, verified.header_bytes)
        _fsync_file(verified.database)
        _fsync_folder(staging)
    except BaseException:
        if staging_lock is not None:
            staging_lock.release()
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if home_lock is not None:
            home_lock.release()
        raise
    return PreparedRestore(home, staging, staging_lock, home_lock, verified, policy)


# --------------------------------------------------------------------------------------------
# Automatic backups


@dataclass(frozen=True)
class AutoBackupSettings:
    folder: Path | None  # None: automatic backups are off
    keep: int = DEFAULT_KEEP

    @property
    def enabled(self) -> bool:
        return self.folder is not None


def auto_backup_settings(journal: Journal) -> AutoBackupSettings:
    folder = journal.setting(AUTO_FOLDER_SETTING)
    keep = journal.setting(AUTO_KEEP_SETTING, DEFAULT_KEEP)
    if not isinstance(keep, int) or isinstance(keep, bool) or not 1 <= keep <= MAX_KEEP:
        keep = DEFAULT_KEEP
    return AutoBackupSettings(Path(folder) if isinstance(folder, str) and folder else None, keep)


def set_auto_backup(journal: Journal, folder: Path | None, keep: int = DEFAULT_KEEP) -> None:
    """Turn automatic backups on (into an existing folder, keeping the last `keep`) or off."""
    if not 1 <= keep <= MAX_KEEP:
        raise UsageError(f"Keep between 1 and {MAX_KEEP} automatic backups.")
    if folder is not None:
        folder = Path(folder).expanduser().absolute()
        if not folder.is_dir():
            raise UsageError(f"The folder {folder} does not exist.")
    with journal.transaction():
        journal.set_setting(AUTO_FOLDER_SETTING, str(folder) if folder else None)
        journal.set_setting(AUTO_KEEP_SETTING, keep)


def auto_backup_due(journal: Journal) -> bool:
    """Whether automatic backups are on and a record changed since the last one."""
    if not auto_backup_settings(journal).enabled:
        return False
    return bool(journal.setting(AUTO_MARKER_SETTING) != journal.change_count())


def _journal_created_at(path: Path) -> str | None:
    """The creation stamp in a backup's header (read without any key), or None."""
    try:
        with path.open("rb") as raw, tarfile.open(fileobj=raw, mode="r:") as tar:
            member = tar.next()
            if member is None or member.name != HEADER_NAME or not member.isreg():
                return None
            if member.size > MAX_HEADER_BYTES:
                return None
            source = tar.extractfile(member)
            return parse_header(source.read(member.size)).created_at if source else None
    except (OSError, tarfile.TarError, EOFError, JournalDamaged):
        return None


def _rotate(
    folder: Path, newest: Path, created_at: str, keep: int, recorded: list[str]
) -> list[str]:
    """Delete this journal's oldest automatic backups beyond `keep`; return the names kept.

    Only files this journal recorded as its own automatic backups are candidates, and only
    if their header still names this journal's creation time: another journal's backups in the
    same folder, and anything else there, are never touched.
    """
    ours = sorted(
        (
            folder / name
            for name in set(recorded)
            if _AUTO_NAME.match(name)
            and name != newest.name
            and (folder / name).is_file()
            and not (folder / name).is_symlink()
            and _journal_created_at(folder / name) == created_at
        ),
        key=lambda entry: entry.name,
        reverse=True,
    )
    for entry in ours[keep - 1 :]:
        entry.unlink(missing_ok=True)
    stale = _now().timestamp() - 3600
    for entry in folder.iterdir():
        if _AUTO_PARTIAL.match(entry.name) and entry.stat().st_mtime < stale:
            entry.unlink(missing_ok=True)  # left by a crash during an earlier backup
    _fsync_folder(folder)
    return [newest.name] + [entry.name for entry in ours[: keep - 1]]


def _now() -> datetime:
    """The clock automatic backups are named by (a seam for tests)."""
    return datetime.now(UTC)


def auto_backup(journal: Journal, folder: Path, keep: int) -> BackupSummary:
    """Write a verified backup into `folder`, then keep only this journal's last `keep`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupFailed(
            f"The backup folder {folder} is not available (is the stick plugged in?). "
            "No automatic backup was made."
        )
    change_count = journal.change_count()
    stem = AUTO_PREFIX + _now().strftime("%Y%m%d-%H%M%S")
    target, number = folder / f"{stem}{BACKUP_SUFFIX}", 2
    while target.exists() or target.is_symlink():
        target, number = folder / f"{stem}-{number}{BACKUP_SUFFIX}", number + 1
    summary = create_backup(journal, target)
    recorded = journal.setting(AUTO_FILES_SETTING, [])
    recorded = (
        [name for name in recorded if isinstance(name, str)] if isinstance(recorded, list) else []
    )
    kept = _rotate(folder, target, summary.journal_created_at, keep, recorded)
    with journal.transaction():
        journal.set_setting(AUTO_FILES_SETTING, kept)
        journal.set_setting(AUTO_MARKER_SETTING, change_count)
    return summary


def run_auto_backup(journal: Journal) -> BackupSummary | None:
    """At lock or exit: back up into the chosen folder when something changed since last time.

    Returns None when automatic backups are off or nothing changed. Raises BackupFailed (the
    folder is missing) or StorageFull; the journal itself is never affected.
    """
    settings = auto_backup_settings(journal)
    if settings.folder is None or not auto_backup_due(journal):
        return None
    return auto_backup(journal, settings.folder, settings.keep)
