"""The command line end to end, and what Python imports before it does anything.

What a person waits for when they type `peerjournal search WORD` is the whole process: Python
starting, the imports, reading the passphrase, Argon2id, opening the journal, the query and the
printing. Argon2id is the cost we chose on purpose, so each command is reported as its total
minus the Argon2id time with the journal's own parameters, measured in the same run, round by
round, right before the command (paired samples: a busy moment on this shared machine slows
both). `check` and `export` also do work that grows with the journal (both integrity checks,
every record to JSON); `cli_phases.py` times that work inside the command, so the report can
show what is left of the command once its own Argon2id and its own work are taken away.

Every command runs as a fresh process, the way a person or a script runs it: the console
script (or `python -m peerjournal` where there is none), the passphrase on a pipe through
`--passphrase-fd 0`, output to /dev/null. Before timing, the package's bytecode is compiled
(`compileall`, as `pip install` does), and the children run without PYTHONDONTWRITEBYTECODE,
so no sample pays for compiling the source.

The paired subtraction carries Argon2id's own spread from one derivation to the next (on a
quiet 2-core machine 1.02-1.35 s for the same parameters, several times the 60 ms it is meant
to resolve). So each command is also run through `cli_phases.py`, which times the derivation inside
the command's own process: its total minus *that* derivation is the wait beyond Argon2id
without the spread, and the time from the derivation's end to the exit is what a person who
typed the passphrase waits for after pressing Enter (the imports before the prompt happen while
they type). See `run_phased`.

`import_breakdown` runs `python -X importtime` and sums the self time of each top-level
package, for the CLI (`--version`) and for the app (the modules `peerjournal` loads to show
the unlock screen).
"""

from __future__ import annotations

import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The commands timed end to end, by figure key: arguments after `--home DIR`.
COMMANDS: dict[str, Callable[[str], list[str]]] = {
    "cli_search": lambda term: ["search", term, "--passphrase-fd", "0"],
    "cli_check": lambda _term: ["check", "--passphrase-fd", "0"],
    "cli_export": lambda _term: ["export", "--format", "json", "--yes", "--passphrase-fd", "0"],
}

#: The commands whose work grows with the journal (both integrity checks; every record to
#: JSON): `cli_phases.py` times that work inside the command.
WORK_COMMANDS = ("cli_check", "cli_export")

#: What `python -X importtime` is asked to import for each breakdown.
IMPORT_PROBES: dict[str, list[str]] = {
    "cli": ["-m", "peerjournal", "--version"],
    # What the app needs before its unlock screen can be drawn (the launch path of cli.py):
    # the app and the unlock screen's module (imported in on_mount).
    "app": [
        "-c",
        "import peerjournal.cli; from peerjournal.tui.environment import "
        "scrub_textual_environment; scrub_textual_environment(); "
        "import peerjournal.tui.app, peerjournal.tui.screens.unlock",
    ],
}


def child_environment() -> dict[str, str]:
    """The benchmark's environment without TEXTUAL* and without PYTHONDONTWRITEBYTECODE."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TEXTUAL") and key != "PYTHONDONTWRITEBYTECODE"
    }


def compile_package() -> Path:
    """Compile the imported peerjournal package to bytecode, as an installation does."""
    import peerjournal

    package = Path(peerjournal.__file__).resolve().parent
    compileall.compile_dir(str(package), quiet=1)
    return package


def cli_prefix(cheap_kdf: tuple[int, int, int] | None = None) -> list[str]:
    """How a person starts the command: the console script beside this Python, if any.

    With `cheap_kdf` (smoke tests only) the command runs through `cli.main(argv, policy=...)`
    with those parameters as the floor, as the test suite runs it: the production policy
    refuses a journal hashed that cheaply.
    """
    if cheap_kdf is not None:
        policy = f"KdfPolicy(floor=KdfParams{tuple(cheap_kdf)!r}, calibrate=False)"
        return [
            sys.executable,
            "-c",
            "import sys; from peerjournal import cli; "
            "from peerjournal.core.kdf import KdfParams, KdfPolicy; "
            f"sys.exit(cli.main(sys.argv[1:], policy={policy}))",
        ]
    script = Path(sys.executable).with_name("peerjournal")
    if script.is_file() and os.access(script, os.X_OK) and "PYTHONPATH" not in os.environ:
        return [str(script)]
    # With PYTHONPATH (a scratch copy of the code) the interpreter is what counts either way.
    return [sys.executable, "-m", "peerjournal"]


def run_command(arguments: list[str], passphrase: str | None) -> tuple[float, float]:
    """Milliseconds from just before the process starts to its exit, and the CPU time it used
    (user and system, all its threads); raises if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(
        arguments,
        input=(passphrase + "\n").encode() if passphrase is not None else None,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=child_environment(),
        timeout=600,
        check=False,
    )
    elapsed = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join(arguments[-4:])} exited {completed.returncode}: "
            f"{completed.stderr.decode(errors='replace')[-800:]}"
        )
    return elapsed, cpu


PHASES_SCRIPT = Path(__file__).resolve().with_name("cli_phases.py")

#: What any command pays before its derivation can start, whatever peerjournal's own code
#: does: Python's start, and Python importing only what reading arguments, the header and
#: the passphrase, and Argon2id itself, cannot do without.
FLOORS: dict[str, list[str]] = {
    "python_ms": ["-c", "pass"],
    "floor_ms": ["-c", "import argparse, getpass, json, pathlib, argon2.low_level"],
}


def run_phased(
    arguments: list[str], passphrase: str, cheap_kdf: tuple[int, int, int] | None = None
) -> dict[str, float]:
    """One command through `cli_phases.py`, timed from outside and placed against its own
    Argon2id (both processes read the same monotonic clock): `total_ms`, `argon2_ms` (the
    derivation in that process), `beyond_own_argon2_ms`, `before_ms` (process start to the
    derivation's start: Python, the imports, the header, the passphrase), `after_ms` (the
    derivation's end to the exit: the query, the output, closing, Python's exit)."""
    environment = child_environment()
    if cheap_kdf is not None:  # smoke tests only (cli_phases.CHEAP_KDF_VARIABLE)
        environment["PEERJOURNAL_BENCH_CHEAP_KDF"] = ",".join(map(str, cheap_kdf))
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, str(PHASES_SCRIPT), *arguments],
        input=(passphrase + "\n").encode(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment,
        timeout=600,
        check=False,
    )
    ended = time.monotonic()
    lines = completed.stderr.decode(errors="replace").strip().splitlines()
    if completed.returncode != 0 or not lines:
        command = " ".join(arguments[-4:])
        raise RuntimeError(f"{command} exited {completed.returncode}: {lines[-3:]}")
    marks = json.loads(lines[-1])
    if "error" in marks:
        raise RuntimeError(f"{' '.join(arguments[-4:])}: {marks['error']}")
    total = (ended - started) * 1000
    return {
        "total_ms": total,
        "argon2_ms": marks["derivation_wall_ms"],
        "beyond_own_argon2_ms": total - marks["derivation_wall_ms"],
        "before_ms": (marks["start_monotonic"] - started) * 1000,
        "after_ms": (ended - marks["end_monotonic"]) * 1000,
        "during_cpu_ms": marks["during_cpu_ms"],
        "work_ms": marks["work_ms"],
        "beyond_own_argon2_and_work_ms": total - marks["derivation_wall_ms"] - marks["work_ms"],
    }


class JournalWork:
    """Argon2id with the journal's own parameters, timed in this process."""

    def __init__(self, home: Path, passphrase: str, policy: Any) -> None:
        self.home = home
        self.passphrase = passphrase
        self.policy = policy

    def argon2_ms(self) -> tuple[float, float, Any]:
        """Wall and CPU milliseconds of one derivation (CPU of all of Argon2id's threads,
        this process being otherwise idle meanwhile), and the keys."""
        from peerjournal.core.kdf import derive_keys
        from peerjournal.core.vault import parse_header, read_header_file

        header = parse_header(read_header_file(self.home))
        cpu = time.process_time()
        started = time.perf_counter()
        keys = derive_keys(self.passphrase, header.salt, header.params)
        wall = (time.perf_counter() - started) * 1000
        return wall, (time.process_time() - cpu) * 1000, keys


def measure_cli(
    home: Path,
    passphrase: str,
    rounds: int,
    search_term: str,
    policy: Any,
    *,
    cheap: bool = False,
    commands: tuple[str, ...] = tuple(COMMANDS),
    say: Callable[[str], None] = lambda _message: None,
) -> dict[str, Any]:
    """`rounds` rounds of: `--version` and the floors, then for each command (in rotating
    order) Argon2id alone and the command, and the command again through `run_phased` (its
    own Argon2id and, for check and export, its own work timed inside it). Returns the
    samples and the per-round differences."""
    compile_package()
    floor = policy.floor
    prefix = cli_prefix((floor.memory_kib, floor.iterations, floor.parallelism) if cheap else None)
    base = [*prefix, "--home", str(home)]
    run_command([*prefix, "--version"], None)  # warm-up: bytecode, OS caches (not kept)
    work = JournalWork(home, passphrase, policy)
    keys_ms: list[float] = []
    keys_cpu_ms: list[float] = []
    version_ms: list[float] = []
    floors: dict[str, list[float]] = {key: [] for key in FLOORS}
    cpu_beyond: dict[str, list[float]] = {key: [] for key in commands}
    totals: dict[str, list[float]] = {key: [] for key in commands}
    beyond: dict[str, list[float]] = {key: [] for key in commands}
    phased: dict[str, list[dict[str, float]]] = {key: [] for key in commands}
    keys = list(commands)
    for index in range(rounds):
        say(f"  CLI round {index + 1} of {rounds}")
        order = keys[index % len(keys) :] + keys[: index % len(keys)]
        version_ms.append(run_command([*prefix, "--version"], None)[0])
        for key, arguments in FLOORS.items():
            floors[key].append(run_command([sys.executable, *arguments], None)[0])
        for key in order:
            # Argon2id right before each command: the pair sees the same machine.
            argon2, argon2_cpu, _keys = work.argon2_ms()
            keys_ms.append(argon2)
            keys_cpu_ms.append(argon2_cpu)
            total, cpu = run_command([*base, *COMMANDS[key](search_term)], passphrase)
            totals[key].append(total)
            beyond[key].append(total - argon2)
            cpu_beyond[key].append(cpu - argon2_cpu)
            # The same command again, placed against its own Argon2id and its own work.
            command = ["--home", str(home), *COMMANDS[key](search_term)]
            cheap_kdf = (floor.memory_kib, floor.iterations, floor.parallelism)
            phased[key].append(run_phased(command, passphrase, cheap_kdf if cheap else None))
    result: dict[str, Any] = {
        "prefix": prefix,
        "argon2_ms": keys_ms,
        "argon2_cpu_ms": keys_cpu_ms,
        # CPU time: what the command used beyond what Argon2id alone used. On a busy machine
        # this moves far less than the wall clock.
        "cpu_beyond_argon2_ms": cpu_beyond,
        "version_ms": version_ms,
        **floors,
        "total_ms": totals,
        "beyond_argon2_ms": beyond,
        "work_ms": {
            key: [phase["work_ms"] for phase in phased[key]]
            for key in WORK_COMMANDS
            if key in phased
        },
        "phases": phased,
        "search_phases": phased.get("cli_search", []),
    }
    # What is left once the work itself is also taken away (check, export), each command
    # against its own Argon2id and its own work.
    result["beyond_argon2_and_work_ms"] = {
        key: [p["beyond_own_argon2_and_work_ms"] for p in phased[key]]
        for key in WORK_COMMANDS
        if key in phased
    }
    return result


def import_breakdown(repeat: int = 5) -> dict[str, Any]:
    """`python -X importtime` of the CLI and of the app: per top-level package, the self time
    summed over its modules (median of `repeat` runs, in ms), the total, and the module count."""
    compile_package()
    result: dict[str, Any] = {}
    for name, arguments in IMPORT_PROBES.items():
        runs: list[dict[str, float]] = []
        modules = 0
        for _ in range(repeat):
            completed = subprocess.run(
                [sys.executable, "-X", "importtime", *arguments],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                env=child_environment(),
                timeout=120,
                check=True,
            )
            by_package: dict[str, float] = {}
            modules = 0
            for line in completed.stderr.splitlines():
                if not line.startswith("import time:") or "self [us]" in line:
                    continue
                self_us, module = _parse(line)
                group = _group(module)
                by_package[group] = by_package.get(group, 0.0) + self_us / 1000
                modules += 1
            runs.append(by_package)
        groups = sorted({group for run in runs for group in run})
        medians = {
            group: statistics.median(run.get(group, 0.0) for run in runs) for group in groups
        }
        result[name] = {
            "by_package_ms": dict(sorted(medians.items(), key=lambda item: -item[1])),
            "total_ms": statistics.median(sum(run.values()) for run in runs),
            "modules": modules,
        }
    return result


def _parse(line: str) -> tuple[float, str]:
    """One `import time:` line: its self time in microseconds and the module's name."""
    self_us, _cumulative_us, module = line[len("import time:") :].split("|", 2)
    return float(self_us), module.strip()


#: Third-party packages reported on their own rows; the rest is summed as "other".
OWN_ROWS = ("rich", "textual", "sqlcipher3", "argon2", "_argon2_cffi_bindings", "platformdirs")


def _group(module: str) -> str:
    """A row of the breakdown: each peerjournal module, each package of OWN_ROWS, or the
    standard library and anything else together."""
    if module == "peerjournal" or module.startswith("peerjournal."):
        return module
    top = module.split(".", 1)[0]
    return top if top in OWN_ROWS else "standard library and other"


def main(argv: list[str] | None = None) -> int:
    """Start-up figures for an existing journal (SQLCipher), without building one: to compare
    two versions of the code on the same journal, run it with and without PYTHONPATH pointing
    at a scratch copy (see docs/benchmarks.md)."""
    import argparse
    import json

    from run import PASSPHRASE, run_tui_probe  # the orchestrator's probe runner

    from peerjournal.core.kdf import DEFAULT_POLICY

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--home", type=Path, required=True, help="a journal made by run.py --keep")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--term", default="housing", help="the word `search` looks for")
    parser.add_argument("--json", type=Path, help="write the samples here")
    parser.add_argument(
        "--commands",
        default=",".join(COMMANDS),
        help=f"which of {', '.join(COMMANDS)} to time (comma-separated)",
    )
    args = parser.parse_args(argv)
    commands = tuple(args.commands.split(","))
    cli = measure_cli(
        args.home, PASSPHRASE, args.rounds, args.term, DEFAULT_POLICY, commands=commands
    )
    tui: dict[str, list[float]] = {
        "enter_to_first_page_ms": [],
        "enter_to_first_page_cpu_ms": [],
        "argon2_ms": [],
        "argon2_cpu_ms": [],
        "launch_ms": [],
    }
    work = JournalWork(args.home, PASSPHRASE, DEFAULT_POLICY)
    for _ in range(args.rounds):
        argon2, argon2_cpu, _keys = work.argon2_ms()
        probe = run_tui_probe(args.home, "sqlcipher", "", args.home.parent / "probe.json", 2)
        tui["argon2_ms"].append(argon2)
        tui["argon2_cpu_ms"].append(argon2_cpu)
        tui["enter_to_first_page_ms"].append(probe["unlock_to_first_page_ms"])
        tui["enter_to_first_page_cpu_ms"].append(probe["unlock_to_first_page_cpu_ms"])
        tui["launch_ms"].append(probe["launch_to_unlock_screen_ms"])
    imports = import_breakdown()
    median = statistics.median
    print(f"Argon2id alone: {median(cli['argon2_ms']):,.0f} ms (median)")
    print(f"--version: {median(cli['version_ms']):.1f} ms")
    print(
        f"Python alone: {median(cli['python_ms']):.1f} ms; with the imports any command "
        f"needs before Argon2id: {median(cli['floor_ms']):.1f} ms"
    )
    if cli["search_phases"]:
        phases = cli["search_phases"]
        print(
            "search, in its own process: "
            f"{median(p['beyond_own_argon2_ms'] for p in phases):.1f} ms beyond its Argon2id "
            f"({median(p['before_ms'] for p in phases):.1f} ms before it, "
            f"{median(p['after_ms'] for p in phases):.1f} ms after it)"
        )
    for key in commands:
        line = (
            f"{key}: {median(cli['beyond_argon2_ms'][key]):.1f} ms beyond Argon2 "
            f"(CPU: {median(cli['cpu_beyond_argon2_ms'][key]):.1f} ms)"
        )
        if key in cli["beyond_argon2_and_work_ms"]:
            left = median(cli["beyond_argon2_and_work_ms"][key])
            line += f", {left:.1f} ms beyond Argon2 and the work itself"
        print(line)
    beyond = [e - a for e, a in zip(tui["enter_to_first_page_ms"], tui["argon2_ms"], strict=True)]
    cpu_beyond = [
        e - a for e, a in zip(tui["enter_to_first_page_cpu_ms"], tui["argon2_cpu_ms"], strict=True)
    ]
    print(
        f"TUI Enter to first page: {median(beyond):.1f} ms beyond Argon2 "
        f"(CPU: {median(cpu_beyond):.1f} ms)"
    )
    print(f"TUI launch to unlock screen: {median(tui['launch_ms']):.0f} ms")
    for name, breakdown in imports.items():
        print(f"imports, {name}: {breakdown['total_ms']:.1f} ms, {breakdown['modules']} modules")
    if args.json:
        args.json.write_text(json.dumps({"cli": cli, "tui": tui, "imports": imports}, indent=1))
    return 0


if __name__ == "__main__":
    if str(Path(__file__).resolve().parent) not in sys.path:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
