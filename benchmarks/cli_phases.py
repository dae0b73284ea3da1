"""Where one command's own time goes around Argon2id: before it starts, and after it ends.

`python benchmarks/cli_phases.py --home DIR search WORD --passphrase-fd 0` (the passphrase on
stdin) runs `peerjournal` in this process and prints one JSON line on stderr:

- `before_cpu_ms` / `before_wall_ms`: the main thread from this script's first line to the
  moment Argon2id starts (imports, argument parsing, locating the journal, reading the
  passphrase). Python's own start (about 15-20 ms) comes before and is not included;
- `during_cpu_ms`: the main thread's CPU time while Argon2id runs (the imports that overlap it);
- `late_wall_ms`: how long after Argon2id finished the main thread asked for the keys (more
  than zero only when the overlapping work outlasted the derivation);
- `after_cpu_ms` / `after_wall_ms`: from the end of Argon2id to the end of the command (opening
  the database, the query, printing, closing);
- `modules_at_start` / `modules_at_end`: `len(sys.modules)` at those two moments;
- `work_ms`: the time `Journal.check`, `Journal.counts` and `export_json_bytes` took (the
  work of `check` and `export` that grows with the journal; 0 for other commands);
- `derivation_wall_ms`: Argon2id's own time in this process, and `start_monotonic` /
  `end_monotonic`, when it started and ended on the system-wide monotonic clock, so that the
  process that started this one can place them against its own start and the exit
  (`bench_cli.run_phased`).

Main-thread CPU time moves far less with the load of a shared machine than the clock does
(Argon2id's own time moved by seconds between two runs a minute apart), which is why it is
reported. Run it with and without `PYTHONPATH` pointing at a scratch copy to compare versions.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

STARTED_WALL, STARTED_CPU = time.perf_counter(), time.thread_time()

from peerjournal.core import kdf  # noqa: E402 - after the clocks are read

marks: dict[str, float] = {}
_init, _run, _keys = kdf.KeyDerivation.__init__, kdf.KeyDerivation._run, kdf.KeyDerivation.keys


def _started(self: kdf.KeyDerivation, *args: object) -> None:
    marks.update(start_wall=time.perf_counter(), start_cpu=time.thread_time())
    marks["start_monotonic"] = time.monotonic()
    marks["modules_at_start"] = len(sys.modules)
    _init(self, *args)  # type: ignore[arg-type]


def _ran(self: kdf.KeyDerivation, *args: object) -> None:
    _run(self, *args)  # type: ignore[arg-type]
    marks["end_wall"] = time.perf_counter()
    marks["end_monotonic"] = time.monotonic()


def _timed(function: Any) -> Any:
    """`function`, adding its clock time to `work_ms` at each call."""

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            marks["work_ms"] = marks.get("work_ms", 0.0) + (time.perf_counter() - started) * 1000

    return timed


def _time_the_work() -> None:
    """Time the work `check` and `export` do that grows with the journal, in this process:
    patched once the command has imported it (while Argon2id runs), so the import order that
    `before_*` measures is the command's own."""
    journal = sys.modules.get("peerjournal.core.journal")
    if journal is not None:
        journal.Journal.check = _timed(journal.Journal.check)  # type: ignore[method-assign]
        journal.Journal.counts = _timed(journal.Journal.counts)  # type: ignore[method-assign]
    exchange = sys.modules.get("peerjournal.core.exchange")
    if exchange is not None:
        exchange.export_json_bytes = _timed(exchange.export_json_bytes)  # type: ignore[attr-defined]


def _asked(self: kdf.KeyDerivation) -> kdf.DerivedKeys:
    marks["asked_cpu"] = time.thread_time()
    _time_the_work()
    keys = _keys(self)
    marks.update(keys_wall=time.perf_counter(), keys_cpu=time.thread_time())
    return keys


kdf.KeyDerivation.__init__ = _started  # type: ignore[method-assign]
kdf.KeyDerivation._run = _ran  # type: ignore[method-assign]
kdf.KeyDerivation.keys = _asked  # type: ignore[method-assign]


#: Smoke tests only: tiny Argon2id parameters as the policy's floor ("M,T,P"), as
#: `bench_cli.cli_prefix(cheap_kdf)` runs the command (the real policy refuses them).
CHEAP_KDF_VARIABLE = "PEERJOURNAL_BENCH_CHEAP_KDF"


def main() -> int:
    import os

    from peerjournal import cli

    policy = None
    if os.environ.get(CHEAP_KDF_VARIABLE):
        memory, iterations, lanes = map(int, os.environ[CHEAP_KDF_VARIABLE].split(","))
        floor = kdf.KdfParams(memory, iterations, lanes)
        policy = kdf.KdfPolicy(floor=floor, calibrate=False)
    code = cli.main(sys.argv[1:], policy=policy)
    sys.stdout.flush()
    end_wall, end_cpu = time.perf_counter(), time.thread_time()
    if "end_wall" not in marks:
        print(json.dumps({"exit_code": code, "error": "no key derivation"}), file=sys.stderr)
        return code
    report = {
        "exit_code": code,
        "before_cpu_ms": (marks["start_cpu"] - STARTED_CPU) * 1000,
        "before_wall_ms": (marks["start_wall"] - STARTED_WALL) * 1000,
        "during_cpu_ms": (marks["asked_cpu"] - marks["start_cpu"]) * 1000,
        "late_wall_ms": max(0.0, marks["keys_wall"] - marks["end_wall"]) * 1000,
        "after_cpu_ms": (end_cpu - marks["keys_cpu"]) * 1000,
        "after_wall_ms": (end_wall - marks["end_wall"]) * 1000,
        "modules_at_start": marks["modules_at_start"],
        "modules_at_end": len(sys.modules),
        "derivation_wall_ms": (marks["end_wall"] - marks["start_wall"]) * 1000,
        "work_ms": marks.get("work_ms", 0.0),
        "start_monotonic": marks["start_monotonic"],
        "end_monotonic": marks["end_monotonic"],
    }
    print(json.dumps(report), file=sys.stderr)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
