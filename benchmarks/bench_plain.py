"""The plain-SQLite baseline: the same peerjournal code, with the encryption taken out.

`use_plain_sqlite()` swaps the driver that `peerjournal.core.vault` opens databases with for one
whose connections ignore SQLCipher's own pragmas (`PRAGMA key`, `PRAGMA cipher_*`) and attach
copies (`ATTACH ... KEY ?`, as `Journal.compact` and a passphrase change do) as plain files.
Everything else runs unchanged: `Vault.create/locate/unlock`, the header and its MAC,
`_connect`'s other pragmas (WAL, synchronous FULL, temp_store, secure_delete, foreign_keys, and
whatever is added there later), the schema, triggers, FTS5 and the whole `Journal` API. Without
a key SQLCipher attaches no codec, so the file is plain SQLite (the benchmark checks its first
16 bytes), and both sides run the same SQLite build (the one bundled in `sqlcipher3`).

Each side runs in a process of its own: SQLCipher's memory security (`cipher_memory_security`,
which peerjournal leaves off but `--diagnose` turns on for a third side) is process-wide and
cannot be turned off again, and separate processes keep the sides' caches and heaps apart.

The only cost the swap adds is one Python-level method call per `execute` on the plain side,
well under a microsecond, which counts slightly *against* the plain baseline.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import sqlcipher3

PLAIN_HEADER = b"SQLite format 3\x00"


class _PlainConnection(sqlcipher3.Connection):  # type: ignore[misc]
    """A connection that answers SQLCipher's pragmas without applying them."""

    def execute(self, sql: str, *args: Any) -> Any:
        head = sql.lstrip()[:32].lower()
        if head.startswith("pragma cipher_version"):
            return super().execute("SELECT 'plain baseline'")
        if head.startswith("pragma cipher_integrity_check"):
            return super().execute("SELECT 1 WHERE 0")
        if head.startswith(("pragma key", "pragma rekey", "pragma cipher_")):
            return super().execute("SELECT 'ok'")
        if head.startswith("attach") and " KEY ?" in sql and args:
            # vault._export_database attaches the copy with the journal's key; SQLCipher's
            # `KEY ''` makes the attached file plain, like every other file on this side.
            path, _key = args[0]
            return super().execute(sql, (path, ""))
        return super().execute(sql, *args)


def _plain_connect(*args: Any, **kwargs: Any) -> Any:
    kwargs["factory"] = _PlainConnection
    return sqlcipher3.connect(*args, **kwargs)


def use_plain_sqlite() -> None:
    """Make every database `peerjournal.core.vault` opens from now on a plain SQLite file."""
    _swap_driver(_plain_connect)


def _swap_driver(connect: Any) -> None:
    from peerjournal.core import vault

    driver = types.SimpleNamespace(**{name: getattr(sqlcipher3, name) for name in dir(sqlcipher3)})
    driver.connect = connect
    vault._driver = lambda: driver  # type: ignore[attr-defined]


def use_sqlcipher_with_memory_security() -> None:
    """Diagnosis only: turn on SQLCipher's memory security, which peerjournal leaves off.

    The setting is process-wide and cannot be turned off again, so this is for a worker process
    of its own. Any connection can set it, a throwaway in-memory one included.
    """
    throwaway = sqlcipher3.connect(":memory:")
    try:
        throwaway.execute("PRAGMA cipher_memory_security = ON")
    finally:
        throwaway.close()


def is_plaintext(database: Path) -> bool:
    """True when the file is an unencrypted SQLite database."""
    with open(database, "rb") as handle:
        return handle.read(len(PLAIN_HEADER)) == PLAIN_HEADER
