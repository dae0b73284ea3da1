"""Files the app writes, apart from any screen: where they may go, the plaintext export and
the automatic backup at lock and exit.

The backup screen and the digest screen use these; the app uses `take_auto_backup` without
loading any screen. Paths in messages go through `printable`; nothing here shows note text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from textual.dom import DOMNode

from peerjournal.core import words
from peerjournal.core.backup import BackupSummary, run_auto_backup
from peerjournal.core.errors import JournalError
from peerjournal.core.exchange import export_json_bytes, leftovers_message, write_private_file
from peerjournal.core.journal import Journal
from peerjournal.core.markdown import EntryFilter, render_markdown
from peerjournal.core.printable import printable
from peerjournal.tui.calls import call
from peerjournal.tui.safety import error_text


def describe_counts(counts: Mapping[str, int]) -> str:
    """'2 aliases, 1 session, 3 check-ins' (kinds with none are left out)."""
    text = words.describe_counts(counts, skip_empty=True)
    return "nothing yet" if text == "nothing" else text


def entries_text(number: int) -> str:
    return f"{number} entr{'y' if number == 1 else 'ies'}"


# Blocking helpers (run them in thread workers)


class TargetProblem(ValueError):
    """A path typed on the screen cannot be used; the message says why."""


def target_path(text: str, what: str) -> Path:
    """The absolute path for a file name typed on the screen (`~` allowed)."""
    text = text.strip()
    if not text:
        raise TargetProblem(f"Enter a file name for the {what}.")
    return Path(text).expanduser().absolute()


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def check_target(path: Path, journal_home: Path) -> bool:
    """Whether the file `path` exists; raises TargetProblem when it cannot be written at all.

    Nothing goes inside the journal folder: a file there would be lost with the journal, and
    restore refuses a folder holding anything but a journal.
    """
    if path.is_dir():
        raise TargetProblem(f"{printable(path)} is a folder; give a file name.")
    if not path.parent.is_dir():
        raise TargetProblem(f"The folder {printable(path.parent)} does not exist.")
    if _inside(path.parent, journal_home):
        raise TargetProblem("Choose a folder outside the journal's own folder.")
    return path.exists() or path.is_symlink()


def check_auto_folder(folder: Path, journal_home: Path) -> None:
    if not folder.is_dir():
        raise TargetProblem(f"The folder {printable(folder)} does not exist.")
    if _inside(folder, journal_home):
        raise TargetProblem(
            "Backups inside the journal's own folder would be lost with it; choose another."
        )


def write_export(journal: Journal, fmt: str, path: Path, *, overwrite: bool) -> str:
    """Render the whole journal as `fmt` and write it privately; say what was written (and
    that an earlier, interrupted export's hidden leftovers were removed, if any were)."""
    if fmt == "json":
        data, what = export_json_bytes(journal), "the whole journal"
    else:
        rendered = render_markdown(journal, EntryFilter())
        data, what = rendered.document.encode(), entries_text(rendered.entries)
    removed = write_private_file(path, data, overwrite=overwrite)
    said = (
        f"Exported {what} to {printable(path)} (readable by you only). "
        "Delete it when you no longer need it."
    )
    if removed:
        said += "\n" + leftovers_message(removed, path.parent)
    return said


def os_message(error: OSError, what: str) -> str:
    return error_text(error, what=what) + " Nothing was changed."


@dataclass(frozen=True)
class AutoBackupOutcome:
    """What happened at lock or exit: a backup made, none due, or a problem to tell."""

    summary: BackupSummary | None = None  # None: none was due, or it failed
    problem: str | None = None  # safe to show: a path and a reason, never note text


async def take_auto_backup(
    node: DOMNode, journal: Journal, *, announce: bool = True
) -> AutoBackupOutcome:
    """At lock or exit, while the journal is still unlocked: the automatic backup, if due.

    Never raises for a backup problem (a missing stick must not stop a lock or an exit). With
    `announce`, it says what happened in a notification; without, the caller shows
    `problem` where it fits (after unlocking again, or on the terminal after exit).
    """
    try:
        summary = await call(node, run_auto_backup, journal)
    except JournalError as error:
        problem = f"No automatic backup was made: {printable(error.message)}"
    except OSError as error:
        problem = "No automatic backup was made: " + os_message(error, "The backup")
    else:
        if summary is not None and announce:
            node.app.notify(
                f"Automatic backup written to {printable(summary.path.parent)}.",
                markup=False,
                timeout=4,
            )
        return AutoBackupOutcome(summary)
    if announce:
        node.app.notify(problem, severity="warning", markup=False, timeout=10)
    return AutoBackupOutcome(problem=problem)


__all__ = [
    "AutoBackupOutcome",
    "TargetProblem",
    "check_auto_folder",
    "check_target",
    "describe_counts",
    "entries_text",
    "os_message",
    "take_auto_backup",
    "target_path",
    "write_export",
]
