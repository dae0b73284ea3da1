"""Key derivation: known answers, the production floor, calibration and the accepted range."""

from __future__ import annotations

import time

import pytest

from peerjournal.core import kdf
from peerjournal.core.errors import JournalDamaged
from peerjournal.core.kdf import (
    CAP,
    DEFAULT_POLICY,
    FLOOR,
    KdfParams,
    KdfPolicy,
    calibrate,
    check_params,
    derive_keys,
)


def test_argon2id_known_answer() -> None:
    # Reference vector from the Argon2 reference implementation's test suite (argon2id, v=19,
    # t=2, m=2^16 KiB, p=1, "password"/"somesalt", 32-byte tag).
    from argon2.low_level import Type, hash_secret_raw

    tag = hash_secret_raw(
        b"password",
        b"somesalt",
        time_cost=2,
        memory_cost=65536,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
        version=19,
    )
    assert tag.hex() == "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7"


def test_derive_keys_splits_64_bytes_into_two_independent_keys() -> None:
    params = KdfParams(memory_kib=1024, iterations=1, parallelism=1)
    keys = derive_keys("pässphrase", b"s" * 16, params)
    assert len(keys.db_key) == len(keys.mac_key) == 32
    assert keys.db_key != keys.mac_key
    # NFC and NFD spellings of the same passphrase derive the same keys.
    assert derive_keys("pa\u0308ssphrase", b"s" * 16, params) == keys
    assert derive_keys("passphrase", b"s" * 16, params) != keys


def test_production_parameters_are_at_or_above_rfc9106_second_recommendation() -> None:
    assert FLOOR.memory_kib >= 64 * 1024
    assert FLOOR.iterations >= 3
    assert FLOOR.parallelism >= 4
    assert kdf.SALT_BYTES >= 16
    assert DEFAULT_POLICY.floor == FLOOR
    assert DEFAULT_POLICY.calibrate


def test_calibration_never_goes_below_the_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kdf, "time_one_derivation", lambda params: 5.0)  # a very slow machine
    assert calibrate(DEFAULT_POLICY) == FLOOR


def test_calibration_raises_memory_then_passes_on_a_fast_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kdf, "time_one_derivation", lambda params: 0.05)  # 20x too fast
    params = calibrate(DEFAULT_POLICY)
    assert params.at_least(FLOOR)
    assert params.memory_kib == kdf.CALIBRATION_MEMORY_LIMIT_KIB
    assert params.iterations > FLOOR.iterations
    assert CAP.at_least(params)


@pytest.mark.parametrize(
    "timings",
    [
        [0.6, 0.1, 0.1],  # a busy moment must not weaken the key for life
        [0.1, 0.01, 0.1],  # nor one freak quick timing make every unlock slow
        [0.1, 0.1, 0.9],
    ],
)
def test_calibration_scales_from_the_median_timing(
    monkeypatch: pytest.MonkeyPatch, timings: list[float]
) -> None:
    samples = iter(timings)
    monkeypatch.setattr(kdf, "time_one_derivation", lambda params: next(samples))
    with_an_outlier = calibrate(DEFAULT_POLICY)
    monkeypatch.setattr(kdf, "time_one_derivation", lambda params: 0.1)
    assert with_an_outlier == calibrate(DEFAULT_POLICY)
    assert with_an_outlier.memory_kib > FLOOR.memory_kib


def test_calibration_stops_timing_on_a_slow_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []

    def slow(params: object) -> float:
        calls.append(params)
        return 2 * DEFAULT_POLICY.target_seconds

    monkeypatch.setattr(kdf, "time_one_derivation", slow)
    assert calibrate(DEFAULT_POLICY) == FLOOR
    assert len(calls) == 1


def test_parameters_outside_the_policy_are_refused_before_hashing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def must_not_hash(*args: object, **kwargs: object) -> None:
        raise AssertionError("hashed before checking the parameters")

    monkeypatch.setattr(kdf, "derive_keys", must_not_hash)
    started = time.perf_counter()
    for params in (
        KdfParams(CAP.memory_kib * 4, 3, 4),
        KdfParams(FLOOR.memory_kib, 10_000, 4),
        KdfParams(FLOOR.memory_kib, 3, 255),
        KdfParams(1024, 1, 1),
    ):
        with pytest.raises(JournalDamaged):
            check_params(params, b"x" * 16, DEFAULT_POLICY)
    with pytest.raises(JournalDamaged):
        check_params(FLOOR, b"short", DEFAULT_POLICY)
    assert time.perf_counter() - started < 1.0


def test_a_cheap_policy_is_explicit() -> None:
    cheap = KdfPolicy(floor=KdfParams(1024, 1, 1), calibrate=False)
    check_params(KdfParams(1024, 1, 1), b"x" * 16, cheap)
    with pytest.raises(JournalDamaged):
        check_params(KdfParams(1024, 1, 1), b"x" * 16, DEFAULT_POLICY)


def test_the_cap_is_exactly_what_calibration_can_choose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kdf, "time_one_derivation", lambda params: 1e-6)  # absurdly fast
    assert calibrate(DEFAULT_POLICY) == CAP
    # ... so a tampered header cannot ask for more than a real journal could have: at most
    # 256 MiB and 64 passes (the old cap allowed 2 GiB and 64 passes, about a minute). The
    # passes stay at 64 because earlier versions calibrated up to 64 on fast machines.
    assert CAP.memory_kib <= 256 * 1024 and CAP.iterations <= 64
    assert CAP.parallelism == FLOOR.parallelism


@pytest.mark.parametrize(
    ("m", "t", "p"),
    [(CAP.memory_kib + 1024, 1, 1), (2 * 1024 * 1024, 1, 1), (1024, CAP.iterations + 1, 1)],
)
def test_a_header_above_the_cap_is_refused_before_hashing(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], m, t, p
) -> None:
    import json

    from peerjournal.core import vault as vault_module
    from peerjournal.core.journal import Journal
    from peerjournal.core.vault import Vault
    from tests.clirun import run_cli
    from tests.conftest import PASSPHRASE, TEST_POLICY

    home = tmp_path / "journal"
    Journal.create(home, PASSPHRASE, policy=TEST_POLICY).close()
    header = home / "header.json"
    document = json.loads(header.read_bytes())
    document["kdf"].update(m=m, t=t, p=p)
    header.write_text(json.dumps(document))

    def must_not_hash(*args: object, **kwargs: object) -> None:
        raise AssertionError("hashed before checking the parameters")

    monkeypatch.setattr(vault_module, "derive_keys", must_not_hash)
    with pytest.raises(JournalDamaged, match="outside the accepted range"):
        Vault.locate(home, policy=TEST_POLICY)
    result = run_cli(capsys, "--home", str(home), "check")
    assert result.code == 4 and "outside the accepted range" in result.err


def test_a_background_derivation_gives_the_same_keys_or_the_same_error() -> None:
    params = KdfParams(memory_kib=1024, iterations=1, parallelism=1)
    salt = bytes(16)
    assert kdf.KeyDerivation("a passphrase", salt, params).keys() == derive_keys(
        "a passphrase", salt, params
    )
    from argon2.exceptions import HashingError

    inconsistent = KdfParams(memory_kib=8, iterations=1, parallelism=4)  # < 8 KiB per lane
    with pytest.raises(HashingError):
        kdf.KeyDerivation("a passphrase", salt, inconsistent).keys()
