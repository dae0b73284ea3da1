"""Key derivation: Argon2id parameters, their accepted range, calibration, and the two keys.

One Argon2id run turns the passphrase into 64 bytes: the first 32 are SQLCipher's raw key, the
last 32 key the HMAC that authenticates header.json. The parameters live in the header, so
they are checked against a policy *before* any hashing: a tampered header must not be able to
make us hash for an hour (too high) or quietly weaken the journal (too low).
"""

from __future__ import annotations

import os
import threading
import time
import unicodedata
from dataclasses import dataclass, replace

from argon2.low_level import Type, hash_secret_raw

from peerjournal.core.errors import JournalDamaged

ARGON2_VERSION = 19
SALT_BYTES = 16
KEY_BYTES = 32


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters. memory_kib is in KiB, as Argon2 counts it."""

    memory_kib: int
    iterations: int
    parallelism: int

    def at_least(self, other: KdfParams) -> bool:
        return (
            self.memory_kib >= other.memory_kib
            and self.iterations >= other.iterations
            and self.parallelism >= other.parallelism
        )


# RFC 9106, section 4, second recommended option: 64 MiB, t=3, p=4, 16-byte salt.
FLOOR = KdfParams(memory_kib=64 * 1024, iterations=3, parallelism=4)
# The most calibration ever chooses, and so the most a header may ask for: one constant, so
# a tampered header cannot ask for more than a real journal could have. Calibration raises
# memory first (it is what makes GPU cracking expensive) up to 256 MiB, then iterations up to
# 64; parallelism stays at the floor's. Every earlier version calibrated within these same
# bounds, so no journal made before is refused by them. The worst a tampered header can ask is
# 85x the floor's work: about 10 s on a machine taking 0.12 s at the floor (the old cap, 2 GiB
# and t=64, allowed about a minute and 2 GiB of memory). A lower iteration cap would lock out a
# journal calibrated on a fast machine (t > 16 needs the floor under 47 ms).
CAP = KdfParams(memory_kib=256 * 1024, iterations=64, parallelism=FLOOR.parallelism)
CALIBRATION_MEMORY_LIMIT_KIB = CAP.memory_kib
# Argon2's own minimum; used only as the lower bound when `check` inspects a journal.
ARGON2_MINIMUM = KdfParams(memory_kib=8, iterations=1, parallelism=1)
CALIBRATION_SAMPLES = 3  # timings of the floor; calibration scales from their median


@dataclass(frozen=True)
class KdfPolicy:
    """The range of parameters this process accepts, and what it creates journals with.

    Production code uses DEFAULT_POLICY. Tests pass a cheap policy through the API so the suite
    stays fast; nothing in the environment can change the policy.
    """

    floor: KdfParams = FLOOR
    cap: KdfParams = CAP
    calibrate: bool = True
    target_seconds: float = 1.0

    def accepts(self, params: KdfParams) -> bool:
        return params.at_least(self.floor) and self.cap.at_least(params)


DEFAULT_POLICY = KdfPolicy()


@dataclass(frozen=True)
class DerivedKeys:
    """The two keys derived from one passphrase. Held only while the journal is unlocked."""

    db_key: bytes
    mac_key: bytes

    def sqlcipher_key_literal(self) -> str:
        """The raw-key form SQLCipher understands; hex we generated, safe to interpolate."""
        return f"\"x'{self.db_key.hex()}'\""


def encode_passphrase(passphrase: str) -> bytes:
    """NFC-normalise, so the same passphrase typed on another keyboard layout still opens."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def check_params(params: KdfParams, salt: bytes, policy: KdfPolicy) -> None:
    """Refuse parameters outside the policy, before any hashing happens."""
    if not policy.accepts(params):
        raise JournalDamaged(
            "The journal header asks for key-derivation settings outside the accepted range, "
            "so it was not opened. It may have been tampered with."
        )
    if not SALT_BYTES <= len(salt) <= 64:
        raise JournalDamaged(
            "The journal header has an invalid salt. It may have been tampered with."
        )
    if params.memory_kib < 8 * params.parallelism:
        raise JournalDamaged("The journal header has inconsistent key-derivation settings.")


def derive_keys(passphrase: str, salt: bytes, params: KdfParams) -> DerivedKeys:
    raw = hash_secret_raw(
        encode_passphrase(passphrase),
        salt,
        time_cost=params.iterations,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=2 * KEY_BYTES,
        type=Type.ID,
        version=ARGON2_VERSION,
    )
    return DerivedKeys(db_key=raw[:KEY_BYTES], mac_key=raw[KEY_BYTES:])


class KeyDerivation:
    """`derive_keys` started in a thread of its own; `keys()` waits for it.

    Argon2id releases the GIL while it hashes, so the caller's thread can do other work in the
    meantime (the command line imports what it needs after unlocking): that work then costs no
    time beyond the derivation's own, which is the wait we chose.
    """

    def __init__(self, passphrase: str, salt: bytes, params: KdfParams) -> None:
        self._keys: DerivedKeys | None = None
        self._error: Exception | None = None
        # A daemon thread: an interrupted caller exits without waiting for the hash to finish.
        self._thread = threading.Thread(
            target=self._run, args=(passphrase, salt, params), name="argon2id", daemon=True
        )
        self._thread.start()

    def _run(self, passphrase: str, salt: bytes, params: KdfParams) -> None:
        try:
            self._keys = derive_keys(passphrase, salt, params)
        except Exception as error:  # handed to the caller's thread by keys()
            self._error = error

    def keys(self) -> DerivedKeys:
        """The derived keys, once the derivation has finished; its error, if it failed."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self._keys is None:  # the thread died of something that is not an Exception
            raise RuntimeError("the key derivation did not finish")
        return self._keys


def time_one_derivation(params: KdfParams) -> float:
    """Seconds one derivation with these parameters takes on this machine."""
    started = time.perf_counter()
    derive_keys("calibration", new_salt(), params)
    return time.perf_counter() - started


def calibrate(policy: KdfPolicy = DEFAULT_POLICY) -> KdfParams:
    """Parameters at or above the floor that take about `target_seconds` here.

    Memory grows first, then iterations, each up to the policy's cap (CAP in production).
    Never below the floor, never above the cap, whatever the clock says.
    """
    import statistics  # only creating a journal or changing a passphrase calibrates

    params = policy.floor
    if not policy.calibrate:
        return params
    # Scale from the median of a few timings: one busy moment on the machine must not give a
    # journal a weaker key for life, and one unusually quick timing must not make every
    # unlock slow. Stop early on a machine so slow that the timings would keep people waiting.
    timings = [time_one_derivation(params)]
    while len(timings) < CALIBRATION_SAMPLES and sum(timings) < policy.target_seconds:
        timings.append(time_one_derivation(params))
    elapsed = max(statistics.median(timings), 1e-3)
    scale = policy.target_seconds / elapsed
    if scale <= 1.1:
        return params
    memory = min(int(params.memory_kib * scale), policy.cap.memory_kib)
    memory = max(memory - memory % 1024, params.memory_kib)
    params = replace(params, memory_kib=memory)
    scale /= memory / policy.floor.memory_kib
    if scale > 1.1:
        iterations = min(round(params.iterations * scale), policy.cap.iterations)
        params = replace(params, iterations=max(iterations, params.iterations))
    return params
