"""Export and import: the documented JSON format (design.md section 6).

Export writes every record, oldest first, in the stable field order of the models. Import
parses and validates the *whole* file before it writes anything, then merges by id inside one
transaction: a malformed or truncated file changes nothing and the error names the first
problem and where it is; importing the same file twice adds nothing.

Plaintext only ever reaches the disk through `write_private_file`, which the CLI calls after
the user has been warned and has agreed: mode 0600, written under a hidden `.NAME.partial-PID`
name and linked into place, so a full disk, an error or Ctrl-C never leaves half an export
behind (the hidden file is removed on every way out). Only a kill -9 or a power cut can leave
one; the next export into that folder removes it (`remove_stale_partials`) and says so.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from peerjournal.core import platform
from peerjournal.core.errors import (
    ImportFailed,
    InvalidRecord,
    JournalError,
    StorageFull,
    UsageError,
)
from peerjournal.core.export_versions import EXPORT_FORMAT as EXPORT_FORMAT
from peerjournal.core.export_versions import EXPORT_VERSION as EXPORT_VERSION
from peerjournal.core.export_versions import SECTIONS as SECTIONS
from peerjournal.core.export_versions import (
    SUPPORTED_VERSIONS,
    frozen_fields,
    sections_in,
    upgrade,
)
from peerjournal.core.journal import Journal
from peerjournal.core.models import Record, record_from_dict
from peerjournal.core.printable import printable

MAX_IMPORT_BYTES = 2 * 1024 * 1024 * 1024
_TOO_LARGE = "The import file is larger than 2 GiB, so it was not read; nothing was imported."
# Shown before any plaintext export, by the CLI and the app alike ({where}: " to FILE").
PLAINTEXT_WARNING = (
    "This writes your notes as PLAINTEXT{where}. Anyone who can read it can read them, and it "
    "may be synced or backed up. Delete it when you no longer need it."
)


def export_document(journal: Journal) -> dict[str, Any]:
    """The whole journal as the documented JSON structure."""
    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
    }
    with journal.transaction():  # one consistent snapshot across every section
        for section, cls in SECTIONS:
            document[section] = [record.to_dict() for record in journal.all_records(cls)]
    return document


def export_json_bytes(journal: Journal) -> bytes:
    return (json.dumps(export_document(journal), ensure_ascii=False, indent=1) + "\n").encode()


# --------------------------------------------------------------------------------------------
# Import


@dataclass
class ImportSummary:
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())

    @property
    def total_unchanged(self) -> int:
        return sum(self.unchanged.values())


def read_import_file(path: Path) -> bytes:
    """The bytes of the file `path`, refused unless it is a regular file of at most
    MAX_IMPORT_BYTES; the size is checked before reading and the read is bounded by it.

    A device (/dev/zero), a FIFO or a folder is refused at once: reading one whole could
    take all the memory there is, or wait forever. O_NONBLOCK keeps a FIFO from blocking the
    open itself.
    """
    try:
        fd = os.open(path, os.O_RDONLY | platform.O_NONBLOCK | platform.O_BINARY)
    except FileNotFoundError:
        raise ImportFailed(f"There is no file {printable(path)}; nothing was imported.") from None
    except OSError as error:
        raise ImportFailed(
            f"Cannot read {printable(path)} ({error.strerror}); nothing was imported."
        ) from None
    with contextlib.ExitStack() as closing:
        closing.callback(os.close, fd)
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ImportFailed(
                f"{printable(path)} is not a regular file (a device, pipe or folder); give "
                "the export file itself. Nothing was imported."
            )
        if info.st_size > MAX_IMPORT_BYTES:
            raise ImportFailed(_TOO_LARGE)
        chunks: list[bytes] = []
        remaining = MAX_IMPORT_BYTES + 1  # one more byte tells a file that grew meanwhile
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1024 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    if remaining <= 0:
        raise ImportFailed(_TOO_LARGE)
    return b"".join(chunks)


def parse_export(raw: bytes) -> list[tuple[str, Record]]:
    """Validate a peerjournal JSON export completely; return (label, record) in import order."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportFailed("The import file is too large.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(
            f"The import file is not UTF-8 text (byte {error.start}); nothing was imported."
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(
            f"The import file is not valid JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno}); it may be truncated. Nothing was imported."
        ) from None
    except RecursionError:
        raise ImportFailed("The import file is nested too deeply; nothing was imported.") from None
    except ValueError:  # a number with thousands of digits (Python's int conversion limit)
        raise ImportFailed(
            "The import file holds a number far too long to read; nothing was imported."
        ) from None
    if not isinstance(document, dict):
        raise ImportFailed("The import file is not a peerjournal export (no JSON object).")
    if document.get("format") != EXPORT_FORMAT:
        raise ImportFailed("The import file is not a peerjournal export (wrong 'format').")
    version = document.get("version")
    if isinstance(version, bool) or version not in SUPPORTED_VERSIONS:
        raise ImportFailed("The import file comes from an unsupported export version.")
    sections = sections_in(version)
    allowed = {"format", "version", "exported_at"} | {name for name, _ in sections}
    unknown = sorted(set(document) - allowed)
    if unknown:
        raise ImportFailed(f"The import file has an unknown field '{unknown[0]}'.")
    records: list[tuple[str, Record]] = []
    seen: set[str] = set()
    for section, cls in sections:
        items = document.get(section, [])
        if not isinstance(items, list):
            raise ImportFailed(f"'{section}' must be a list; nothing was imported.")
        for index, item in enumerate(items):
            label = f"{section}[{index}]"
            try:
                record = record_from_dict(cls, _as_current(version, section, item, label), label)
            except InvalidRecord as error:
                raise ImportFailed(f"{error.message} Nothing was imported.") from None
            if record.id in seen:
                raise ImportFailed(f"{label}: the id appears twice. Nothing was imported.")
            seen.add(record.id)
            records.append((label, record))
    return records


def _as_current(version: int, section: str, item: Any, label: str) -> Any:
    """A record of an older version's file, checked against that version's own fields and
    then brought to the current shape; a current one as it is."""
    fields = frozen_fields(version, section)
    if fields is None or not isinstance(item, dict):
        return item
    unknown = sorted(set(item) - set(fields))
    if unknown:
        raise InvalidRecord(f"{label}: unknown field '{unknown[0]}' (export version {version}).")
    return upgrade(version, section, item, label)


def import_records(journal: Journal, records: Iterable[tuple[str, Record]]) -> ImportSummary:
    """Merge records by id in one transaction; all of them or none."""
    summary = ImportSummary()
    with journal.transaction():
        for label, record in records:
            kind = record.KIND
            if journal.exists(type(record), record.id):
                existing = journal.get(type(record), record.id)
                if record.HAS_TIMESTAMPS:
                    # Timestamps left out of the file keep their stored values.
                    for name in ("created_at", "updated_at"):
                        if not getattr(record, name):
                            setattr(record, name, getattr(existing, name))
                if existing == record:
                    summary.unchanged[kind] = summary.unchanged.get(kind, 0) + 1
                    continue
                bucket = summary.updated
            else:
                bucket = summary.added
            try:
                journal.save(record, keep_times=True)
            except InvalidRecord as error:
                raise ImportFailed(f"{label}: {error.message} Nothing was imported.") from None
            bucket[kind] = bucket.get(kind, 0) + 1
    return summary


# --------------------------------------------------------------------------------------------
# Plaintext files


# Our unfinished plaintext files and folders: ".NAME.partial-PID" beside the target.
_PARTIAL_NAME = re.compile(r"^\.(?P<name>.+)\.partial-(?P<pid>[1-9][0-9]{0,9})$")
# Room kept in a file name for ".partial-" and a process id, so the hidden name fits too.
_PARTIAL_SUFFIX_BYTES = len(".partial-") + 11
_BACKUP_SUFFIX = ".pjbackup"  # backup.create_backup names its partials the same way
_DEFAULT_NAME_MAX = 255


def partial_name(name: str, pid: int | None = None) -> str:
    """The hidden name an export is written under before it is moved to `name`.

    A long `name` is shortened (by bytes, on a character boundary) so the hidden name fits
    where `name` itself fits.
    """
    encoded = os.fsencode(name)
    room = _DEFAULT_NAME_MAX - 1 - _PARTIAL_SUFFIX_BYTES
    if len(encoded) > room:
        name = os.fsdecode(encoded[:room].decode("utf-8", "ignore").encode())
    return f".{name}.partial-{os.getpid() if pid is None else pid}"


def _process_alive(pid: int) -> bool:
    """Whether a process `pid` exists (then its partial file may still be being written)."""
    if pid == os.getpid():
        return False  # ours are removed by their own writer; one left over is stale
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, someone else's; or a platform where we cannot ask
        return True
    return True


def remove_stale_partials(folder: Path) -> int:
    """Remove unfinished exports of ours that an interrupted run left in `folder`.

    A kill -9 or a power cut stops a write before its clean-up can run, leaving a hidden
    `.NAME.partial-PID` file (or folder, for a one-file-per-entry export) of plaintext. Only
    entries named exactly so, owned by this user, not symbolic links, and whose process is
    gone, are removed. Returns how many were; 0 when the folder cannot be read.
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        match = _PARTIAL_NAME.match(entry.name)
        if match is None or match.group("name").endswith(_BACKUP_SUFFIX):
            continue  # not an export (a backup's partial is encrypted, and backup's business)
        if _process_alive(int(match.group("pid"))):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if platform.foreign_owner(info) is not None:
                continue
            if stat.S_ISREG(info.st_mode):
                os.unlink(entry.path)
            elif stat.S_ISDIR(info.st_mode):
                shutil.rmtree(entry.path)
            else:
                continue
        except OSError:
            continue
        removed += 1
    return removed


def leftovers_message(count: int, folder: Path) -> str:
    """What to say after `remove_stale_partials` removed `count` leftovers (count > 0)."""
    what = "an unfinished export" if count == 1 else f"{count} unfinished exports"
    return (
        f"Removed {what} that an interrupted run had left in {printable(folder)} "
        "(hidden plaintext files)."
    )


def check_export_target(path: Path, *, overwrite: bool = False) -> None:
    """Refuse, in a plain sentence, a target that cannot become a private export file."""
    path = Path(path)
    name_max = platform.name_max(path.parent, default=_DEFAULT_NAME_MAX)
    if len(os.fsencode(path.name)) > name_max:
        raise UsageError(
            f"The file name is too long for this file system (at most {name_max} bytes); "
            "choose a shorter one."
        )
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise UsageError(f"{printable(path)} cannot be used: {error.strerror}.") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{printable(path)} is a folder; give a file name.")
        if not overwrite:
            raise UsageError(
                f"{printable(path)} already exists; choose another name or allow overwriting."
            )
    if not path.parent.is_dir():
        raise UsageError(f"The folder {printable(path.parent)} does not exist.")


def write_private_file(path: Path, data: bytes, *, overwrite: bool = False) -> int:
    """Write an explicit export: 0600, all or nothing, never replacing a file unless asked.

    The data goes into a hidden `.NAME.partial-PID` file that is renamed into place at the
    end. Whatever stops the write (an error, Ctrl-C, SIGTERM turned into an exception), the
    hidden file is removed before the exception goes on. Leftovers of an earlier run that
    was killed outright are removed first; returns how many (see `leftovers_message`).
    """
    path = Path(path)
    check_export_target(path, overwrite=overwrite)
    removed = remove_stale_partials(path.parent)
    _write_file(path, data, overwrite=overwrite)
    return removed


def _write_file(path: Path, data: bytes, *, overwrite: bool) -> None:
    """The write itself: under the hidden name, fsync, rename; removed on every way out."""
    temporary = path.with_name(partial_name(path.name))
    try:
        fd = platform.open_new_private_file(temporary)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(temporary, path)
        else:
            _rename_no_clobber(temporary, path)
        with contextlib.suppress(OSError):
            _fsync_directory(path.parent)
    except FileExistsError:
        raise JournalError(f"{printable(path)} already exists; choose another name.") from None
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull(
                "The disk is full, so the export was not written. Nothing was left behind."
            ) from None
        if error.errno == errno.ENAMETOOLONG:
            raise UsageError("The file name is too long; choose a shorter one.") from None
        if error.errno == errno.EISDIR:
            raise UsageError(f"{printable(path)} is a folder; give a file name.") from None
        raise
    finally:
        # Every way out, KeyboardInterrupt and SystemExit included: no plaintext left behind.
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _rename_no_clobber(source: Path, target: Path) -> None:
    """Move `source` to `target` unless `target` exists, atomically where the file system can.

    A hard link fails if the name appeared meanwhile; FAT and exFAT USB sticks cannot link, so
    there we check and rename (a tiny window, on a stick nobody else is writing to).
    """
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:
        if target.exists():
            raise FileExistsError(str(target)) from None
        os.rename(source, target)


_fsync_directory = platform.fsync_directory


def write_private_folder(folder: Path, files: list[tuple[str, bytes]]) -> int:
    """Write an explicit export of several files: a new 0700 folder of 0600 files, all or none.

    The files are written into a hidden `.NAME.partial-PID` folder beside `folder` and renamed
    into place at the end; on every way out (Ctrl-C included) the hidden folder is removed.
    `folder` must not exist, or be an empty folder (which is replaced). Leftovers of an earlier
    run that was killed outright are removed first; returns how many.
    """
    folder = Path(folder)
    shown = printable(folder)
    if len(os.fsencode(folder.name)) > _DEFAULT_NAME_MAX:
        raise UsageError("The folder name is too long; choose a shorter one.")
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise JournalError(f"{shown} exists and is not a folder; choose a new folder name.")
    if folder.exists() and any(folder.iterdir()):
        raise JournalError(f"{shown} is not empty; choose a new or empty folder.")
    if not folder.parent.is_dir():
        raise JournalError(f"The folder {printable(folder.parent)} does not exist.")
    removed = remove_stale_partials(folder.parent)
    temporary = folder.with_name(partial_name(folder.name))
    try:
        os.mkdir(temporary, 0o700)
        platform.restrict_to_owner(temporary, folder=True)  # mode 0700 is POSIX only
        for name, data in files:
            if Path(name).name != name or name.startswith("."):
                raise ValueError(f"not a plain file name: {name!r}")
            _write_file(temporary / name, data, overwrite=False)
        os.rename(temporary, folder)  # replaces an empty folder; fails if one appeared
    except OSError as error:
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
            raise JournalError(f"{shown} is not empty; choose a new or empty folder.") from None
        if error.errno == errno.ENAMETOOLONG:
            raise UsageError("The folder name is too long; choose a shorter one.") from None
        raise
    finally:
        # Every way out, KeyboardInterrupt and SystemExit included (after a successful rename
        # there is nothing left here to remove).
        shutil.rmtree(temporary, ignore_errors=True)
    return removed
