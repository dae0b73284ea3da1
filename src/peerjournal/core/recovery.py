"""At every start: finish or undo what a crash interrupted, and say what was done.

Two kinds of work can be cut off by a crash, a kill -9 or a power cut:

- **A restore** (`backup.PreparedRestore.install`). Before it touches the journal folder it
  writes a marker, `restore-pending`, into the verified copy it is about to put in place,
  naming that copy's staging folder and where the replaced journal goes. The marker travels
  with the restored journal and is removed once that journal has opened. So at the next start:
  a marker inside `<home>` means the restored journal is in place: the restore is finished
  (the replaced journal moved to `<home>.replaced-<time>`); a marker in a sibling folder means
  it never got there: the journal that was in `<home>` is put back if it had been moved aside,
  and the staged copy is removed (the backup file itself is untouched).
- **Working folders** of a backup (`<home>/.backup-*`) or of `backup --verify`
  (`<home>/.peerjournal-verify-*`), and staging folders of a restore that stopped while it
  verified the backup (`.<name>.restoring-*` beside `<home>`): all hold encrypted copies only,
  and are removed.

A folder is touched only when its `lock` can be taken: a backup or restore at work in another
process holds it, so its folders are left alone. Only our own names are ever considered.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from peerjournal.core import platform
from peerjournal.core.errors import JournalError
from peerjournal.core.vault import HEADER_NAME, ProcessLock

RESTORE_MARKER = "restore-pending"
SCRATCH_PREFIXES = (".backup-", ".peerjournal-verify-")
_TEMP_SUFFIX = r"[A-Za-z0-9_]+"  # what tempfile.mkdtemp adds
_STAMP = r"\d{8}-\d{6}(?:-\d+)?"


def staging_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(name)}\.restoring-{_TEMP_SUFFIX}$")


def aside_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(name)}\.replaced-{_STAMP}$")


def failed_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(name)}\.failed-restore-{_STAMP}$")


@dataclass(frozen=True)
class RestorePlan:
    """What a restore in progress is doing: its staging folder's name, and where the replaced
    journal goes (None when there was no journal to replace). Names only, siblings of home."""

    staging: str
    aside: str | None


def write_restore_marker(folder: Path, plan: RestorePlan) -> None:
    """Write the marker into the staged journal `folder`, fsynced, before anything is swapped."""
    data = json.dumps({"staging": plan.staging, "aside": plan.aside}).encode()
    fd = os.open(
        folder / RESTORE_MARKER, os.O_CREAT | os.O_EXCL | os.O_WRONLY | platform.O_NOFOLLOW, 0o600
    )
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    _fsync(folder)


def read_restore_marker(folder: Path, name: str) -> RestorePlan | None:
    """The plan in `folder`'s marker, or None when it is unreadable or names anything but our
    own siblings of the journal folder `name`."""
    try:
        fd = os.open(
            folder / RESTORE_MARKER, os.O_RDONLY | platform.O_NOFOLLOW | platform.O_NONBLOCK
        )
        with os.fdopen(fd, "rb") as handle:
            document = json.loads(handle.read(4096))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict):
        return None
    staging, aside = document.get("staging"), document.get("aside")
    if not isinstance(staging, str) or not staging_pattern(name).match(staging):
        return None
    if aside is not None and (not isinstance(aside, str) or not aside_pattern(name).match(aside)):
        return None
    return RestorePlan(staging, aside)


def _fsync(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems (FAT) cannot fsync a folder
        platform.fsync_directory(folder)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[bool]:
    """Hold `folder`'s lock for the block; yields False (and holds nothing) when another
    process holds it, or it cannot be taken."""
    try:
        lock = ProcessLock(folder)
    except (JournalError, OSError):
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def _is_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def free_name(parent: Path, stem: str) -> Path:
    """`parent/stem`, or `stem-2`, `stem-3`, ... whichever is not taken."""
    candidate = parent / stem
    number = 2
    while os.path.lexists(candidate):
        candidate = parent / f"{stem}-{number}"
        number += 1
    return candidate


def remove_if_no_journal(folder: Path, journal_entry: re.Pattern[str]) -> Path | None:
    """Remove a replaced folder that held no journal (only a lock or remains of an init).

    Anything else in it stays, and so does the folder, which is then returned.
    """
    for entry in folder.iterdir():
        if not journal_entry.match(entry.name) or entry.is_symlink():
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:
        return folder
    return None


# What a journal folder may hold (backup.py refuses to move a folder holding anything else).
JOURNAL_FOLDER_ENTRY = re.compile(
    r"^(?:journal-\d+\.db(?:-wal|-shm|-journal)?|header\.json(?:\.tmp)?|lock"
    rf"|\.backup-\w+|\.peerjournal-verify-\w+|{RESTORE_MARKER})$"
)


def recover(home: Path) -> list[str]:
    """Finish or undo an interrupted restore into `home` and remove stale working folders.

    Returns one plain sentence per thing done (nothing when there was nothing to do). Never
    raises for what it finds: anything it cannot settle is left as it is.
    """
    home = Path(home)
    notices: list[str] = []
    with contextlib.suppress(OSError):
        notices += _recover_restore(home)
    with contextlib.suppress(OSError):
        notices += _remove_stale_scratch(home)
    return notices


def _recover_restore(home: Path) -> list[str]:
    parent, name = home.parent, home.name
    if not _is_folder(parent):
        return []
    notices: list[str] = []
    if (home / RESTORE_MARKER).is_file():
        finished = _finish_restore(home)
        if finished is None:
            return []  # a restore at work (or a marker we cannot read): leave every sibling
        notices.append(finished)
    staging, failed, aside = staging_pattern(name), failed_pattern(name), aside_pattern(name)
    for entry in sorted(parent.iterdir()):
        is_staging = bool(staging.match(entry.name))
        if not (is_staging or failed.match(entry.name) or aside.match(entry.name)):
            continue
        if not _is_folder(entry):
            continue
        marked = (entry / RESTORE_MARKER).is_file()
        if not (is_staging or marked):
            continue  # a replaced or failed journal the user keeps: never ours to touch
        with _locked(entry) as ours:
            if not ours:
                continue  # a restore at work in another process
            if marked:
                notices.append(_undo_restore(home, entry, is_staging=is_staging))
            else:
                shutil.rmtree(entry, ignore_errors=True)
                notices.append(
                    f"Removed {entry}: a restore stopped there while it checked the backup "
                    "(it held an encrypted copy of that backup)."
                )
    return notices


def _finish_restore(home: Path) -> str | None:
    """The restored journal is in `home`: move the replaced one aside, drop the marker."""
    parent = home.parent
    with _locked(home) as ours:
        if not ours:
            return None
        plan = read_restore_marker(home, home.name)
        if plan is None:
            return None
        kept: Path | None = None
        if plan.aside is not None:
            swapped_out = parent / plan.staging  # the replaced journal, after an exchange
            if _is_folder(swapped_out) and not (swapped_out / RESTORE_MARKER).exists():
                kept = free_name(parent, plan.aside)
                os.rename(swapped_out, kept)
            elif _is_folder(parent / plan.aside):
                kept = parent / plan.aside
        if kept is not None and not os.path.lexists(kept / HEADER_NAME):
            kept = remove_if_no_journal(kept, JOURNAL_FOLDER_ENTRY)
        (home / RESTORE_MARKER).unlink()
        _fsync(home)
        _fsync(parent)
    message = (
        f"A restore into {home} was interrupted after the restored journal was put in place; "
        "it has been finished."
    )
    if kept is not None:
        message += f" The journal it replaced is kept in {kept}."
    return message


def _undo_restore(home: Path, copy: Path, *, is_staging: bool) -> str:
    """The restored copy `copy` never got into `home` (or was taken out again because it did
    not open): put the replaced journal back if it had been moved aside."""
    plan = read_restore_marker(copy, home.name)
    put_back = False
    if plan is not None and plan.aside is not None and not os.path.lexists(home):
        old = home.parent / plan.aside
        if old != copy and _is_folder(old) and (old / HEADER_NAME).is_file():
            os.rename(old, home)
            put_back = True
    if is_staging:
        shutil.rmtree(copy, ignore_errors=True)
    else:
        (copy / RESTORE_MARKER).unlink(missing_ok=True)  # kept for inspection, as a failed one
    _fsync(home.parent)
    message = f"A restore into {home} was interrupted before it finished; "
    message += (
        "the journal that was there before has been put back, unchanged."
        if put_back
        else "the journal there was not changed."
    )
    if not is_staging:
        message += f" The restored copy, which did not open, is kept in {copy}."
    return message + " Run the restore again if you still want it."


def _remove_stale_scratch(home: Path) -> list[str]:
    """Working folders of a backup or a verification that a crash left in the journal folder
    (a verification works beside it when there is no journal folder yet)."""
    candidates = [e for e in _entries(home) if e.name.startswith(SCRATCH_PREFIXES)]
    candidates += [e for e in _entries(home.parent) if e.name.startswith(SCRATCH_PREFIXES[1])]
    removed: list[str] = []
    for entry in candidates:
        if not _is_folder(entry):
            continue
        with _locked(entry) as ours:
            if not ours:
                continue  # a backup or verification at work
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    if not removed:
        return []
    return [
        f"Removed {len(removed)} working folder{'s' if len(removed) > 1 else ''} left by an "
        f"interrupted backup or verification ({', '.join(removed)}; encrypted copies only)."
    ]


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if _is_folder(folder) else []
