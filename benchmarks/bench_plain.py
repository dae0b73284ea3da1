"""The plain-SQLite baseline: the same peerjournal code, with the encryption taken out.

`use_plain_sqlite()` swaps the driver that `peerjournal.core.vault` opens databases with for one
whose connections ignore SQLCipher's own pragmas (`PRAGMA key`, `PRAGMA cipher_*`). Everything
else runs unchanged: `Vault.create/locate/unlock`, the header and its MAC, `_connect`'s other
pragmas (WAL, synchronous FULL, temp_store, secure_delete, foreign_keys, and whatever is added
there later), the schema, triggers, FTS5 and the whole `Journal` API. Without a key SQLCipher
attaches no codec, so the file is plain SQLite (the benchmark checks its first 16 bytes), and
both sides run the same SQLite build (the one bundled in `sqlcipher3`).

Call it only in a process of its own: SQLCipher's memory security (`cipher_memory_security`,
which `_connect` turns on) is process-wide and cannot be turned off, so a plain connection in a
process that once opened an encrypted one would pay for it too. The benchmark runs each side in
its own worker process for that reason.

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
        return super().execute(sql, *args)


def _plain_connect(*args: Any, **kwargs: Any) -> Any:
    kwargs["factory"] = _PlainConnection
    return sqlcipher3.connect(*args, **kwargs)


def use_plain_sqlite() -> None:
    """Make every database `peerjournal.core.vault` opens from now on a plain SQLite file."""
    _swap_driver(_plain_connect)


class _NoMemorySecurityConnection(sqlcipher3.Connection):  # type: ignore[misc]
    """An encrypted connection that skips only `PRAGMA cipher_memory_security` (diagnosis)."""

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.lstrip()[:32].lower().startswith("pragma cipher_memory_security"):
            return super().execute("SELECT 'off'")
        return super().execute(sql, *args)


def _no_memory_security_connect(*args: Any, **kwargs: Any) -> Any:
    kwargs["factory"] = _NoMemorySecurityConnection
    return sqlcipher3.connect(*args, **kwargs)


def _swap_driver(connect: Any) -> None:
    from peerjournal.core import vault

    driver = types.SimpleNamespace(**{name: getattr(sqlcipher3, name) for name in dir(sqlcipher3)})
    driver.connect = connect
    vault.sqlcipher3 = driver  # type: ignore[attr-defined]


def use_sqlcipher_without_memory_security() -> None:
    """Diagnosis only: encrypted as usual, but never turn on SQLCipher's memory security."""
    _swap_driver(_no_memory_security_connect)


def is_plaintext(database: Path) -> bool:
    """True when the file is an unencrypted SQLite database."""
    with open(database, "rb") as handle:
        return handle.read(len(PLAIN_HEADER)) == PLAIN_HEADER
