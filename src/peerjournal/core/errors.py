"""Typed errors of the journal core.

Each error carries the exit code the CLI uses and a message that is safe to show: one or two
plain sentences that never contain note text, passphrases or key material.
"""

from __future__ import annotations


class JournalError(Exception):
    """Base class for every error the core raises on purpose."""

    exit_code = 1
    default_message = "Something went wrong."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self.args[0])


class UsageError(JournalError):
    """The request itself is malformed (bad option, passphrase too short, ...)."""

    exit_code = 2
    default_message = "That request is not valid."


class WrongPassphrase(JournalError):
    """The header MAC does not verify: the passphrase is wrong. Nothing was changed."""

    exit_code = 3
    default_message = "That passphrase does not open this journal. Nothing was changed."


class JournalDamaged(JournalError):
    """The header or database is malformed, tampered with, or fails an integrity check."""

    exit_code = 4
    default_message = "The journal is damaged or has been tampered with."


class ForeignOwner(JournalDamaged):
    """The journal folder or its header belongs to another user (POSIX); refused, as ssh
    refuses keys another user could have replaced."""

    exit_code = 4


class NoJournal(JournalError):
    """There is no journal in the requested directory."""

    exit_code = 5
    default_message = "There is no journal here."


class JournalExists(JournalError):
    """`init` was asked to create a journal where one (or other files) already exist."""

    exit_code = 5
    default_message = "A journal already exists here."


class JournalInUse(JournalError):
    """Another process holds the journal's lock."""

    exit_code = 6
    default_message = "The journal is open in another peerjournal window or process."


class CipherUnavailable(JournalError):
    """The database driver is not SQLCipher; we refuse to write plaintext."""

    exit_code = 1
    default_message = (
        "The SQLCipher database engine is not available, so the journal cannot be encrypted. "
        "Reinstall peerjournal with its sqlcipher3 dependency."
    )


class InvalidRecord(JournalError):
    """A record (from a form or an import file) has a missing, unknown or invalid field."""

    exit_code = 2
    default_message = "A record is not valid."


class ImportFailed(JournalError):
    """An import file is malformed; nothing was imported."""

    exit_code = 2
    default_message = "The import file is not valid; nothing was imported."


class NotFound(JournalError):
    """A record id does not exist."""

    exit_code = 1
    default_message = "That entry does not exist."


class SearchCancelled(JournalError):
    """A search was stopped before it finished, because the journal is being locked."""

    exit_code = 1
    default_message = "The search was stopped because the journal is being locked."


class StorageFull(JournalError):
    """The disk (or the database's size limit) is full; the write was not committed."""

    exit_code = 1
    default_message = (
        "The disk is full, so this could not be saved. Nothing already saved was lost."
    )


class BackupDamaged(JournalDamaged):
    """A backup file is damaged, truncated, tampered with or not a peerjournal backup."""

    exit_code = 4
    default_message = (
        "The backup is damaged, truncated or not a peerjournal backup. Nothing was changed."
    )


class BackupFailed(JournalError):
    """A backup or restore could not be completed; what was there before is unchanged."""

    exit_code = 1
    default_message = "The backup could not be completed. Nothing was changed."
