"""The vault: a journal directory, its authenticated header, and the encrypted database.

Layout (design.md section 4)::

    header.json      format, generation, Argon2id parameters and salt, HMAC over the rest
    journal-<g>.db   SQLCipher 4 database keyed with a raw 32-byte key (plus -wal/-shm)
    lock             advisory lock, so a second process is refused clearly

Responsibilities: creating a journal (mode 0700/0600, O_EXCL, header written last so a journal
either exists completely or not at all), opening it in the safe order, refusing a wrong
passphrase without touching a byte, telling damage apart from a wrong passphrase, integrity
checks, and changing the passphrase atomically by writing a new generation.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import json
import os
import re
import stat
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from peerjournal.core import platform
from peerjournal.core.errors import (
    CipherUnavailable,
    ForeignOwner,
    JournalDamaged,
    JournalExists,
    JournalInUse,
    NoJournal,
    StorageFull,
    WrongPassphrase,
)
from peerjournal.core.kdf import (
    ARGON2_VERSION,
    DEFAULT_POLICY,
    FLOOR,
    DerivedKeys,
    KdfParams,
    KdfPolicy,
    KeyDerivation,
    calibrate,
    check_params,
    derive_keys,
    new_salt,
)

HEADER_NAME = "header.json"
LOCK_NAME = "lock"
HEADER_FORMAT = "peerjournal"
HEADER_VERSION = 1
MAX_HEADER_BYTES = 64 * 1024
_GENERATION_FILE = re.compile(r"^journal-(\d+)\.db(-wal|-shm|-journal)?$")

Connection = Any  # sqlcipher3.Connection; the driver ships no type information
MAC_BYTES = 32  # HMAC-SHA256


def _driver() -> Any:
    """The SQLCipher driver. Imported when a database is first opened, not with this module:
    locating a journal and reading its passphrase need none of it, so in the CLI its import
    overlaps Argon2id instead of coming before it (docs/benchmarks.md, finding 14)."""
    import sqlcipher3

    return sqlcipher3


def _crash_point(name: str) -> None:
    """A seam for fault-injection tests: they replace this to stop at a named step."""


def db_name(generation: int) -> str:
    return f"journal-{generation}.db"


# --------------------------------------------------------------------------------------------
# Header


@dataclass(frozen=True)
class Header:
    generation: int
    params: KdfParams
    salt: bytes
    created_at: str
    mac: bytes = b""

    def unsigned(self) -> dict[str, Any]:
        return {
            "format": HEADER_FORMAT,
            "version": HEADER_VERSION,
            "generation": self.generation,
            "kdf": {
                "name": "argon2id",
                "v": ARGON2_VERSION,
                "m": self.params.memory_kib,
                "t": self.params.iterations,
                "p": self.params.parallelism,
                "salt": base64.b64encode(self.salt).decode("ascii"),
            },
            "created_at": self.created_at,
        }

    def canonical_bytes(self) -> bytes:
        return json.dumps(self.unsigned(), sort_keys=True, separators=(",", ":")).encode("ascii")

    def compute_mac(self, keys: DerivedKeys) -> bytes:
        import hashlib  # loads OpenSSL: not before the passphrase is read (`_driver`)
        import hmac

        return hmac.new(keys.mac_key, self.canonical_bytes(), hashlib.sha256).digest()

    def signed(self, keys: DerivedKeys) -> Header:
        return Header(
            self.generation, self.params, self.salt, self.created_at, self.compute_mac(keys)
        )

    def verifies(self, keys: DerivedKeys) -> bool:
        import hmac

        return hmac.compare_digest(self.compute_mac(keys), self.mac)

    def to_bytes(self) -> bytes:
        document = self.unsigned()
        document["mac"] = base64.b64encode(self.mac).decode("ascii")
        return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("ascii")


def _damaged_header(detail: str) -> JournalDamaged:
    return JournalDamaged(f"The journal header is damaged ({detail}). Nothing was changed.")


def _int_field(mapping: dict[str, Any], key: str) -> int:
    value = mapping.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _damaged_header(f"'{key}' is not a whole number")
    return value


def _b64_field(mapping: dict[str, Any], key: str) -> bytes:
    value = mapping.get(key)
    if not isinstance(value, str):
        raise _damaged_header(f"'{key}' is missing")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _damaged_header(f"'{key}' is not valid base64") from None


class _DuplicateKey(Exception):
    """A JSON object names the same key twice (json.loads would keep the last silently)."""


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise _DuplicateKey()
    return document


def parse_header(raw: bytes) -> Header:
    """Parse header.json strictly; anything unexpected is damage, never a guess."""
    if len(raw) > MAX_HEADER_BYTES:
        raise _damaged_header("it is far too large")
    try:
        document = json.loads(raw.decode("utf-8"), object_pairs_hook=_object_without_duplicates)
    except _DuplicateKey:
        raise _damaged_header("a field appears twice") from None
    except (ValueError, RecursionError):
        # ValueError covers bad UTF-8, bad JSON and numbers too long to convert; RecursionError
        # deeply nested arrays. A tampered header must read as damage, never as a crash.
        raise _damaged_header("it is not valid JSON") from None
    if not isinstance(document, dict):
        raise _damaged_header("it is not a JSON object")
    expected = {"format", "version", "generation", "kdf", "created_at", "mac"}
    if set(document) != expected:
        raise _damaged_header("its fields are not the expected ones")
    if document["format"] != HEADER_FORMAT:
        raise _damaged_header("it is not a peerjournal header")
    if _int_field(document, "version") != HEADER_VERSION:
        raise _damaged_header("it is from an unsupported version of peerjournal")
    generation = _int_field(document, "generation")
    if not 1 <= generation < 2**31:
        raise _damaged_header("its generation is out of range")
    kdf = document["kdf"]
    if not isinstance(kdf, dict) or set(kdf) != {"name", "v", "m", "t", "p", "salt"}:
        raise _damaged_header("its key-derivation settings are malformed")
    if kdf["name"] != "argon2id" or _int_field(kdf, "v") != ARGON2_VERSION:
        raise _damaged_header("it names an unsupported key-derivation function")
    params = KdfParams(_int_field(kdf, "m"), _int_field(kdf, "t"), _int_field(kdf, "p"))
    created_at = document["created_at"]
    if not isinstance(created_at, str) or len(created_at) > 64:
        raise _damaged_header("its creation time is malformed")
    mac = _b64_field(document, "mac")
    if len(mac) != MAC_BYTES:
        raise _damaged_header("its authentication code has the wrong length")
    return Header(generation, params, _b64_field(kdf, "salt"), created_at, mac)


# --------------------------------------------------------------------------------------------
# Files


_fsync_directory = platform.fsync_directory  # the name backup.py imports


def create_private_file(path: Path) -> None:
    """Create an empty file that did not exist, readable by its owner only, whatever the umask."""
    os.close(platform.open_new_private_file(path))


def write_file_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary name, fsync, rename over `path`, fsync the directory."""
    temporary = path.with_name(path.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    fd = platform.open_new_private_file(temporary)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except OSError as error:
        os.close(fd)
        temporary.unlink(missing_ok=True)
        if error.errno == errno.ENOSPC:
            raise StorageFull() from None
        raise
    os.close(fd)
    _crash_point("header_tmp_written")
    platform.replace_durably(temporary, path)


def read_header_file(home: Path) -> bytes:
    """The bytes of `home/header.json` (at most one more than the limit), from a regular file.

    O_NONBLOCK so a FIFO in its place cannot hang us (it is refused just below), O_NOFOLLOW so
    a symbolic link is refused rather than followed.
    """
    path = home / HEADER_NAME
    try:
        fd = os.open(path, os.O_RDONLY | platform.O_NOFOLLOW | platform.O_NONBLOCK)
    except FileNotFoundError:
        raise NoJournal(f"There is no journal in {home}.") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise JournalDamaged(
                f"The journal header {path} is a symbolic link, so it was not read."
            ) from None
        raise JournalDamaged("The journal header cannot be read.") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise JournalDamaged(
            f"The journal header {path} is not a regular file, so it was not read."
        )
    with os.fdopen(fd, "rb") as handle:
        return handle.read(MAX_HEADER_BYTES + 1)


class ProcessLock:
    """The lock on `home/lock` (platform.ProcessLock), released by the OS if the process dies.

    A `lock` that is a link, a folder or a special file is refused by name (exit 4).
    """

    def __init__(self, home: Path) -> None:
        try:
            self._lock: platform.ProcessLock | None = platform.ProcessLock(home / LOCK_NAME)
        except platform.LockUnavailable:
            raise JournalInUse() from None
        except platform.NotRegularFile:
            raise JournalDamaged(
                f"The journal's lock file {home / LOCK_NAME} is a link, a folder or a special "
                "file, not the empty file peerjournal keeps there: move it away and try again."
            ) from None

    def release(self) -> None:
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.release()


def refuse_foreign_owner(home: Path) -> None:
    """Refuse a journal folder, or a header, owned by another user (as ssh does for its keys).

    Someone who owns the folder can replace its files; and a process of another user (root
    included) would leave files there that its owner cannot open. POSIX only.
    """
    for path in (home, home / HEADER_NAME):
        try:
            owner = platform.foreign_owner(os.stat(path))
        except FileNotFoundError:
            continue
        if owner is not None:
            what = "journal folder" if path == home else "journal header"
            raise ForeignOwner(
                f"The {what} {path} belongs to another user (uid {owner}), so peerjournal will "
                "not use it: run peerjournal as that user, or give it back to yourself."
            )


# --------------------------------------------------------------------------------------------
# Database


PAGE_CACHE_KIB = 32 * 1024  # SQLite's page cache per connection (decrypted pages)


def _connect(path: Path, keys: DerivedKeys) -> Connection:
    """Open an existing database file in the safe order of design.md section 4."""
    sqlcipher3 = _driver()
    uri = f"file:{urllib.parse.quote(str(path))}?mode=rw"
    try:
        # cached_statements: the driver's default (100) is filled by the migrations' DDL on a
        # connection that created or upgraded the journal; every hot statement was then
        # prepared again on each use, triggers and all (imports ran 1.5-3x slower).
        conn = sqlcipher3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False, cached_statements=512
        )
    except sqlcipher3.Error:
        raise JournalDamaged("The journal's database file is missing or unreadable.") from None
    try:
        # Refuse a plain SQLite build before the key is sent: it would ignore the key and
        # write plaintext.
        version = conn.execute("PRAGMA cipher_version").fetchone()
        if not version or not version[0]:
            raise CipherUnavailable()
        # SQLCipher logs to stderr by default, which would scribble over the TUI.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {keys.sqlcipher_key_literal()}")
        # PRAGMA key answers ok for any key; only a real read tells.
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        # Deliberately not `PRAGMA cipher_memory_security = ON` (SQLCipher's default is off).
        # It wraps every SQLite allocation in mlock/wipe/munlock: searches ran 3-19x slower,
        # imports 3x. What it buys here is small: SQLCipher wipes its own keys and buffers
        # either way; munlock does not nest and RLIMIT_MEMLOCK is a few MiB, so "locked"
        # pages do reach swap; and the same text sits in Python objects it never touches.
        # docs/security.md ("Secrets in memory") and docs/benchmarks.md have the details.
        conn.execute("PRAGMA temp_store = MEMORY")
        # A page cache of 32 MiB instead of the build's 8 MiB. An edit or delete rewrites one
        # search-index leaf for each word of the note (secure-delete); with the smaller cache
        # most of those leaves had to be read and decrypted again every time. Measured at 100k
        # entries (schema v4): delete 38 -> 32 ms, edit 35 -> 25 ms, import 1.3x faster; see
        # docs/benchmarks.md.
        # The cache fills only as pages are read, so a small journal never uses it all.
        conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB:d}")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
        if not mode or str(mode[0]).lower() != "wal":
            raise JournalDamaged("The journal database could not be put into WAL mode.")
        conn.execute("PRAGMA synchronous = FULL")
    except sqlcipher3.DatabaseError:
        conn.close()
        raise JournalDamaged(
            "The passphrase is right but the journal database cannot be read: it is damaged. "
            "Nothing was changed; restore it from a backup."
        ) from None
    except BaseException:
        conn.close()
        raise
    return conn


def integrity_problems(conn: Connection) -> list[str]:
    """Run both integrity checks after a WAL checkpoint; return what they report (empty = ok)."""
    sqlcipher3 = _driver()
    problems: list[str] = []
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except sqlcipher3.DatabaseError as error:
        # A full disk is not damage: the checkpoint only needs room to grow the file.
        if "full" in str(error).lower():
            raise StorageFull(
                "The disk is full, so the journal could not be checked. Free some space and "
                "try again; nothing was changed."
            ) from None
        return [f"the database cannot be read ({error})"]
    try:
        for (row,) in conn.execute("PRAGMA cipher_integrity_check"):
            problems.append(f"cipher_integrity_check: {row}")
        for (row,) in conn.execute("PRAGMA integrity_check"):
            if row != "ok":
                problems.append(f"integrity_check: {row}")
    except sqlcipher3.DatabaseError as error:
        problems.append(f"the database cannot be read ({error})")
    return problems


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _remove_generation(home: Path, generation: int) -> None:
    _remove_database(home / db_name(generation))


def _export_database(
    conn: Connection, target: Path, keys: DerivedKeys, settings: dict[str, Any]
) -> None:
    """sqlcipher_export everything into the empty file `target`, keyed with `keys`."""
    user_version = conn.execute("PRAGMA user_version").fetchone()[0]
    # Only the path and our own hex are passed, and as parameters, never interpolated.
    conn.execute("ATTACH DATABASE ? AS exported KEY ?", (str(target), f"x'{keys.db_key.hex()}'"))
    try:
        conn.execute("SELECT sqlcipher_export('exported')").fetchall()
        conn.execute(f"PRAGMA exported.user_version = {int(user_version)}")
        for key, value in settings.items():
            conn.execute(
                "INSERT INTO exported.settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )
    finally:
        conn.execute("DETACH DATABASE exported")


def open_database(path: Path, keys: DerivedKeys) -> Connection:
    """Open an existing database file (a journal's, or a copy of one) in the safe order."""
    return _connect(path, keys)


@dataclass
class CheckReport:
    """What `check` found. ok is False when anything needs the user's attention."""

    generation: int
    params: KdfParams
    below_floor: bool
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.below_floor


class Vault:
    """One journal directory, locked for this process. Unlocked once `connection` is set."""

    def __init__(self, home: Path, header: Header, lock: ProcessLock, policy: KdfPolicy) -> None:
        self.home = home
        self.header = header
        self.policy = policy
        self._lock: ProcessLock | None = lock
        self._keys: DerivedKeys | None = None
        self._conn: Connection | None = None

    # ---- creation and opening

    @classmethod
    def create(
        cls,
        home: Path,
        passphrase: str,
        *,
        policy: KdfPolicy = DEFAULT_POLICY,
        initialise: Callable[[Connection], None] | None = None,
    ) -> Vault:
        """Create a new journal in `home` and return it unlocked.

        `home` may be missing or empty (or hold the remains of an init that crashed before its
        header was written). The header is written last: until then there is no journal.
        """
        home = Path(home)
        _prepare_home(home)
        lock = ProcessLock(home)
        try:
            if os.path.lexists(home / HEADER_NAME):
                raise JournalExists(f"A journal already exists in {home}.")
            for leftover in home.iterdir():
                if _GENERATION_FILE.match(leftover.name) or leftover.name == HEADER_NAME + ".tmp":
                    leftover.unlink()
            params = calibrate(policy)
            salt = new_salt()
            keys = derive_keys(passphrase, salt, params)
            header = Header(1, params, salt, datetime.now(UTC).isoformat(timespec="seconds"))
            create_private_file(home / db_name(1))
            conn = _connect(home / db_name(1), keys)
            try:
                if initialise is not None:
                    initialise(conn)
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except BaseException:
                conn.close()
                raise
            header = header.signed(keys)
            try:
                write_file_atomically(home / HEADER_NAME, header.to_bytes())
            except BaseException:
                conn.close()
                raise
        except BaseException:
            lock.release()
            raise
        vault = cls(home, header, lock, policy)
        vault._keys, vault._conn = keys, conn
        return vault

    @classmethod
    def locate(cls, home: Path, *, policy: KdfPolicy = DEFAULT_POLICY) -> Vault:
        """Find the journal in `home`, take its lock and read its header. Hashes nothing."""
        home = Path(home)
        if not os.path.lexists(home / HEADER_NAME):  # a dangling link is refused below
            raise NoJournal(f"There is no journal in {home}.")
        refuse_foreign_owner(home)
        lock = ProcessLock(home)
        try:
            header = parse_header(read_header_file(home))
            check_params(header.params, header.salt, policy)
        except BaseException:
            lock.release()
            raise
        return cls(home, header, lock, policy)

    def unlock(self, passphrase: str) -> None:
        """Derive the keys and open the database. A wrong passphrase changes nothing on disk."""
        self.unlock_with_keys(derive_keys(passphrase, self.header.salt, self.header.params))

    def start_key_derivation(self, passphrase: str) -> KeyDerivation:
        """Start deriving the keys in a thread; `unlock_with_keys(derivation.keys())` then
        opens the journal as `unlock(passphrase)` does, and the caller is free meanwhile."""
        return KeyDerivation(passphrase, self.header.salt, self.header.params)

    def unlock_with_keys(self, keys: DerivedKeys) -> None:
        """Open the database with keys derived already (a restore verified them moments ago)."""
        if self._conn is not None:
            raise RuntimeError("the vault is already unlocked")
        if not self.header.verifies(keys):
            raise WrongPassphrase()
        path = self.home / db_name(self.header.generation)
        if not path.exists():
            raise JournalDamaged(
                "The journal header is intact but its database file is missing. "
                "Restore the journal from a backup."
            )
        self._conn = _connect(path, keys)
        self._keys = keys
        self._tidy()

    def _tidy(self) -> None:
        """After a successful open: remove stray generations and tighten permissions."""
        current = self.header.generation
        for entry in self.home.iterdir():
            match = _GENERATION_FILE.match(entry.name)
            if (match and int(match.group(1)) != current) or entry.name == HEADER_NAME + ".tmp":
                entry.unlink(missing_ok=True)
        platform.restrict_to_owner(self.home, folder=True)
        for entry in self.home.iterdir():
            if entry.is_file() and not entry.is_symlink():
                platform.restrict_to_owner(entry, folder=False)

    # ---- using it

    @property
    def is_unlocked(self) -> bool:
        return self._conn is not None

    @property
    def connection(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("the vault is locked")
        return self._conn

    @property
    def keys(self) -> DerivedKeys:
        """The unlocked journal's keys, to verify an encrypted copy without deriving them again."""
        if self._keys is None:
            raise RuntimeError("the vault is locked")
        return self._keys

    def write_encrypted_copy(self, target: Path, settings: dict[str, Any] | None = None) -> None:
        """Write the whole database to the new file `target`, keyed with this journal's own key.

        The copy is encrypted exactly as the journal is, so this journal's header (and so its
        passphrase) opens it. `settings` are written into the copy only (a backup records when
        it was made). The caller verifies the copy before relying on it.
        """
        sqlcipher3 = _driver()
        create_private_file(target)
        try:
            _export_database(self.connection, target, self.keys, settings or {})
        except sqlcipher3.DatabaseError as error:
            _remove_database(target)
            if "full" in str(error).lower():
                raise StorageFull() from None
            raise JournalDamaged(
                "The journal could not be copied: its database cannot be read completely. "
                "Run 'peerjournal check'."
            ) from None
        except BaseException:
            _remove_database(target)
            raise

    def check(self, floor: KdfParams = FLOOR) -> CheckReport:
        """Both integrity checks, and whether the key settings are below `floor`."""
        problems = integrity_problems(self.connection)
        return CheckReport(
            generation=self.header.generation,
            params=self.header.params,
            below_floor=not self.header.params.at_least(floor),
            problems=problems,
        )

    def change_passphrase(self, new_passphrase: str, policy: KdfPolicy | None = None) -> None:
        """Re-key: the database is written into generation g+1 under the new key (see
        `_switch_generation`). The new key settings are calibrated under `policy` (default: the
        vault's own), so a journal opened leniently to be repaired is re-keyed at full strength.
        """
        params = calibrate(policy or self.policy)
        salt = new_salt()
        keys = derive_keys(new_passphrase, salt, params)
        _crash_point("derived")
        self._switch_generation(
            keys, params, salt, failed="The passphrase could not be changed; nothing changed."
        )

    def rewrite(self) -> None:
        """Write the database afresh into generation g+1 under the same key, and switch to it.

        The new file holds only the live pages, so it is as small as the data. This is what
        `VACUUM` would do, without its copy of the whole database in memory (with
        `temp_store = MEMORY`, a 100k-entry journal took 700 MB, and the process kept it).
        """
        header = self.header
        self._switch_generation(
            self.keys,
            header.params,
            header.salt,
            failed="The journal could not be compacted; nothing changed.",
        )

    def _switch_generation(
        self, keys: DerivedKeys, params: KdfParams, salt: bytes, *, failed: str
    ) -> None:
        """Write generation g+1 keyed with `keys`, verify it, then switch the header to it.

        A crash at any step leaves a journal that opens with the old key (header still names
        g) or with the new one (header names g+1, whose database was verified first); the
        generation the header does not name is removed at the next open.
        """
        sqlcipher3 = _driver()
        conn = self.connection
        old = self.header
        new_generation = old.generation + 1
        new_path = self.home / db_name(new_generation)
        _remove_generation(self.home, new_generation)
        try:
            create_private_file(new_path)
            _export_database(conn, new_path, keys, {})
            _crash_point("exported")
            verifier = _connect(new_path, keys)
            try:
                problems = integrity_problems(verifier)
            finally:
                verifier.close()
            if problems:
                raise JournalDamaged(
                    f"The new copy of the database failed its integrity check. {failed}"
                )
            _crash_point("verified")
            header = Header(new_generation, params, salt, old.created_at).signed(keys)
            write_file_atomically(self.home / HEADER_NAME, header.to_bytes())
        except sqlcipher3.DatabaseError as error:
            self._discard_unadopted(new_generation)
            if "full" in str(error).lower():
                raise StorageFull() from None
            raise JournalDamaged(failed) from None
        except Exception:
            # If the header was replaced before the failure (say, the directory fsync
            # failed after the rename), generation g+1 is the journal now: keep it.
            if not self._discard_unadopted(new_generation):
                raise
        _crash_point("header_replaced")
        self.header = header
        self._close_connection(checkpoint=True)
        self._conn = _connect(new_path, keys)
        self._keys = keys
        _remove_generation(self.home, old.generation)

    def _discard_unadopted(self, generation: int) -> bool:
        """Remove a half-made generation unless the header on disk already names it.

        Returns True when the header names it (the change went through after all)."""
        try:
            on_disk = parse_header(read_header_file(self.home))
        except (JournalDamaged, NoJournal):
            on_disk = None
        if on_disk is not None and on_disk.generation == generation:
            return True
        _remove_generation(self.home, generation)
        return False

    # ---- closing

    def _close_connection(self, *, checkpoint: bool) -> None:
        sqlcipher3 = _driver()
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if checkpoint:
                # So deleted rows do not linger in the WAL after the journal is closed.
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlcipher3.OperationalError as error:
            # On a full disk the checkpoint cannot grow the database file. Everything committed
            # is safe in the (encrypted) WAL and moves over at the next open with room to spare;
            # closing must not fail for that (the app would crash while locking).
            if "full" not in str(error).lower():
                raise
        finally:
            conn.close()

    def lock(self) -> None:
        """Checkpoint, close the database and drop the key; the directory lock stays held."""
        try:
            self._close_connection(checkpoint=True)
        finally:
            self._keys = None

    def close(self) -> None:
        """Lock and release the directory lock."""
        try:
            self.lock()
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None


def _prepare_home(home: Path) -> None:
    """Make `home` an owner-only directory, creating it (and its parents) when missing."""
    if home.exists() and not home.is_dir():
        raise JournalExists(f"{home} exists and is not a folder.")
    if not home.exists():
        home.parent.mkdir(parents=True, exist_ok=True)
        try:
            platform.make_private_folder(home)
        except FileExistsError:
            raise JournalExists(f"{home} was created by something else just now.") from None
    else:
        refuse_foreign_owner(home)
        ours = {LOCK_NAME, HEADER_NAME, HEADER_NAME + ".tmp"}
        strangers = [
            entry.name
            for entry in home.iterdir()
            if entry.name not in ours and not _GENERATION_FILE.match(entry.name)
        ]
        if strangers:
            raise JournalExists(f"{home} is not empty; choose an empty or new folder.")
    platform.restrict_to_owner(home, folder=True)
