"""Export and import: the documented JSON format (design.md section 6).

Export writes every record, oldest first, in the stable field order of the models. Import
parses and validates the *whole* file before it writes anything, then merges by id inside one
transaction: a malformed or truncated file changes nothing and the error names the first
problem and where it is; importing the same file twice adds nothing.

Plaintext only ever reaches the disk through `write_private_file`, which the CLI calls after
the user has been warned and has agreed: mode 0600, written under a temporary name and linked
into place, so a full disk or a crash never leaves half an export behind.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from peerjournal.core.errors import ImportFailed, InvalidRecord, JournalError, StorageFull
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

MAX_IMPORT_BYTES = 2 * 1024 * 1024 * 1024
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


def write_private_file(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write an explicit export: 0600, all or nothing, never replacing a file unless asked."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise JournalError(f"{path} already exists; choose another name or allow overwriting.")
    temporary = path.with_name(f".{path.name}.partial-{os.getpid()}")
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except OSError as error:
        os.close(fd)
        temporary.unlink(missing_ok=True)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull(
                "The disk is full, so the export was not written. Nothing was left behind."
            ) from None
        raise
    os.close(fd)
    try:
        if overwrite:
            os.replace(temporary, path)
        else:
            _rename_no_clobber(temporary, path)
        with contextlib.suppress(OSError):
            _fsync_directory(path.parent)
    except FileExistsError:
        raise JournalError(f"{path} already exists; choose another name.") from None
    finally:
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


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_private_folder(folder: Path, files: list[tuple[str, bytes]]) -> None:
    """Write an explicit export of several files: a new 0700 folder of 0600 files, all or none.

    The files are written into a hidden folder beside `folder` and renamed into place at the
    end. `folder` must not exist, or be an empty folder (which is replaced).
    """
    folder = Path(folder)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise JournalError(f"{folder} exists and is not a folder; choose a new folder name.")
    if folder.exists() and any(folder.iterdir()):
        raise JournalError(f"{folder} is not empty; choose a new or empty folder.")
    if not folder.parent.is_dir():
        raise JournalError(f"The folder {folder.parent} does not exist.")
    temporary = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
    try:
        for name, data in files:
            if Path(name).name != name or name.startswith("."):
                raise ValueError(f"not a plain file name: {name!r}")
            write_private_file(temporary / name, data)
        os.rename(temporary, folder)  # replaces an empty folder; fails if one appeared
    except OSError as error:
        shutil.rmtree(temporary, ignore_errors=True)
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
            raise JournalError(f"{folder} is not empty; choose a new or empty folder.") from None
        raise
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
