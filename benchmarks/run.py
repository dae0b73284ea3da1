"""peerjournal benchmark: SQLCipher against plain SQLite, same code, same data, same run.

    python benchmarks/run.py --entries 100000

Builds a synthetic journal (bench_corpus.py) twice from the same seeded records, once
encrypted (the journal exactly as peerjournal makes it) and once as a plain SQLite file opened
by the same code (bench_plain.py), each in a worker process of its own (bench_worker.py). Then
it measures every figure on both sides, alternating which side goes first, and reports the
median, min and max of each, and the ratio SQLCipher / plain. A headless TUI probe
(tui_probe.py) measures start-up, Enter to the first page and memory; the command line is
timed end to end (bench_cli.py), each against Argon2id alone in the same round, and
`python -X importtime` breaks down what the CLI and the app import. The table goes to the
terminal and everything, samples included, to a JSON file for comparing runs. See
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from bench_cli import JournalWork, import_breakdown, measure_cli  # noqa: E402
from bench_corpus import Corpus, build_corpus, extra_records  # noqa: E402
from bench_worker import DIAGNOSTIC_SIDE, SIDES, Setup, serve  # noqa: E402

PASSPHRASE = "benchmark passphrase, not a secret, 42"  # noqa: S105 - synthetic journal
SCHEMA_VERSION = 1  # of the JSON file
DEFAULT_OUT = HERE / "out"
IMPORT_BATCH = 1000
CHEAP_KDF = (1024, 1, 1)


# --------------------------------------------------------------------------------------------
# Figures


@dataclass
class Figure:
    key: str
    label: str
    unit: str  # "ms", "entries/s", "MiB"
    higher_is_better: bool = False
    target: float | None = None  # on the SQLCipher median
    target_text: str = ""
    ratio_target: bool = True  # SQLCipher / plain <= 1.5 applies
    samples: dict[str, list[float]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self, side: str) -> dict[str, Any] | None:
        values = self.samples.get(side)
        if not values:
            return None
        return {
            "median": statistics.median(values),
            "min": min(values),
            "max": max(values),
            "n": len(values),
            "samples": values,
        }

    def ratio(self, side: str = "sqlcipher") -> float | None:
        """Cost of `side` over the plain baseline's (>1 means slower / bigger)."""
        mine, plain = self.summary(side), self.summary("plain")
        if not mine or not plain or not plain["median"] or not mine["median"]:
            return None
        if self.higher_is_better:
            return float(plain["median"] / mine["median"])
        return float(mine["median"] / plain["median"])

    def met(self) -> bool | None:
        mine = self.summary("sqlcipher")
        if self.target is None or mine is None:
            return None
        if self.higher_is_better:
            return bool(mine["median"] >= self.target)
        return bool(mine["median"] < self.target)

    def ratio_met(self) -> bool | None:
        ratio = self.ratio()
        return None if ratio is None or not self.ratio_target else ratio <= RATIO_TARGET

    def to_json(self, sides: list[str]) -> dict[str, Any]:
        return {
            "label": self.label,
            "unit": self.unit,
            "higher_is_better": self.higher_is_better,
            **{side: self.summary(side) for side in sides},
            "ratio": self.ratio(),
            **({"ratio_memsec": self.ratio(DIAGNOSTIC_SIDE)} if DIAGNOSTIC_SIDE in sides else {}),
            "target": self.target_text or None,
            "target_met": self.met(),
            "ratio_target_met": self.ratio_met(),
            **({"extra": self.extra} if self.extra else {}),
        }


RATIO_TARGET = 1.5


def make_figures() -> dict[str, Figure]:
    figures = [
        Figure("argon2", "Argon2id alone (calibrated cost)", "ms", ratio_target=False),
        Figure("unlock", "Unlock beyond Argon2", "ms", target=50, target_text="< 50 ms"),
        Figure(
            "first_page_cold",
            "First page, right after unlock",
            "ms",
            target=20,
            target_text="< 20 ms",
        ),
        Figure("first_page", "First page (warm)", "ms", target=20, target_text="< 20 ms"),
        Figure("deep_page", "Page 90% back in time", "ms"),
        Figure("alias_page", "Page filtered: busiest alias", "ms"),
        Figure("tag_page", "Page filtered: common tag", "ms"),
        Figure("rare_tag_page", "Page filtered: rare tag", "ms"),
        Figure("search_rare", "Search: rare term", "ms", target=20, target_text="< 20 ms"),
        Figure("search_common", "Search: common term", "ms", target=20, target_text="< 20 ms"),
        Figure("search_phrase", "Search: phrase", "ms", target=20, target_text="< 20 ms"),
        Figure("search_prefix", "Search: prefix", "ms", target=20, target_text="< 20 ms"),
        Figure(
            "search_frequent",
            "Search: word in half the notes",
            "ms",
            target=20,
            target_text="< 20 ms",
        ),
        Figure("save", "Save one new entry", "ms", target=10, target_text="< 10 ms"),
        Figure("edit", "Edit one entry (get + save)", "ms"),
        Figure("delete", "Delete one entry", "ms"),
        # A retention purge ends with Journal.compact(): the search index merged into one
        # segment, then the file written afresh (Vault.rewrite). Edits and deletes are
        # measured again on that index.
        Figure("compact", "Compact (after a purge)", "ms"),
        Figure("edit_compacted", "Edit, after compact", "ms"),
        Figure("delete_compacted", "Delete, after compact", "ms"),
        Figure("import_build", "Import: whole journal", "entries/s", higher_is_better=True),
        Figure(
            "import_batch",
            f"Import: {IMPORT_BATCH} entries into it",
            "entries/s",
            higher_is_better=True,
        ),
        Figure("export", "Export: whole journal to JSON", "entries/s", higher_is_better=True),
        Figure("db_size", "Database size on disk", "MiB", ratio_target=False),
        # The command line end to end (SQLCipher only: the plain side cannot be started as a
        # command). Each is its total minus Argon2id alone, timed just before it.
        Figure("cli_python", "CLI: Python alone (start and exit)", "ms", ratio_target=False),
        Figure(
            "cli_floor",
            "CLI: Python + the imports before Argon2",
            "ms",
            ratio_target=False,
        ),
        Figure("cli_version", "CLI: --version (Python start, imports)", "ms", ratio_target=False),
        Figure("cli_search", "CLI: search, beyond Argon2", "ms", ratio_target=False),
        # The same command placed against its own Argon2id (cli_phases.py, in its process):
        # without the spread between two derivations, which is larger than the target.
        Figure(
            "cli_search_own",
            "CLI: search, beyond its own Argon2",
            "ms",
            target=60,
            target_text="< 60 ms",
            ratio_target=False,
        ),
        Figure(
            "cli_search_before",
            "CLI: search, start to Argon2 (piped)",
            "ms",
            ratio_target=False,
        ),
        # What the person waits once Argon2id ends (after the Enter that started it), beyond
        # the command's own work: the target as docs/benchmarks.md (finding 14) restates it.
        Figure(
            "cli_search_after",
            "CLI: search, Argon2 to exit",
            "ms",
            target=60,
            target_text="< 60 ms (14)",
            ratio_target=False,
        ),
        Figure("cli_check", "CLI: check, beyond Argon2", "ms", ratio_target=False),
        Figure(
            "cli_check_left",
            "CLI: check, beyond Argon2 and the checks",
            "ms",
            target=60,
            target_text="< 60 ms",
            ratio_target=False,
        ),
        Figure(
            "cli_check_after",
            "CLI: check, Argon2 to exit, beyond the checks",
            "ms",
            target=60,
            target_text="< 60 ms (14)",
            ratio_target=False,
        ),
        Figure("cli_export", "CLI: export (JSON), beyond Argon2", "ms", ratio_target=False),
        Figure(
            "cli_export_left",
            "CLI: export, beyond Argon2 and the export",
            "ms",
            target=60,
            target_text="< 60 ms",
            ratio_target=False,
        ),
        Figure(
            "cli_export_after",
            "CLI: export, Argon2 to exit, beyond the export",
            "ms",
            target=60,
            target_text="< 60 ms (14)",
            ratio_target=False,
        ),
        Figure(
            "tui_launch", "TUI: launch to unlock screen", "ms", target=300, target_text="< 300 ms"
        ),
        Figure("tui_unlock", "TUI: Enter to first page (with Argon2)", "ms"),
        Figure(
            "tui_unlock_beyond",
            "TUI: Enter to first page, beyond Argon2",
            "ms",
            ratio_target=False,
        ),
        # The same unlock placed against the Argon2id the app itself ran (tui_probe.py times
        # it in the app's process): Enter to its start, plus its end to the first page.
        Figure(
            "tui_unlock_own",
            "TUI: Enter to first page, beyond its own Argon2",
            "ms",
            target=100,
            target_text="< 100 ms",
            ratio_target=False,
        ),
        Figure("tui_enter_to_argon2", "TUI: Enter to Argon2's start", "ms", ratio_target=False),
        Figure("tui_argon2_to_page", "TUI: Argon2's end to first page", "ms", ratio_target=False),
        Figure("tui_argon2_in_app", "TUI: Argon2 in the app, while it works", "ms"),
        Figure(
            "tui_rss",
            "TUI: RSS, timeline open, paged back",
            "MiB",
            target=150,
            target_text="< 150 MB",
        ),
        Figure(
            "tui_peak_rss_open",
            "TUI: peak RSS, timeline open",
            "MiB",
            target=150,
            target_text="< 150 MB",
            ratio_target=False,
        ),
        # No target: Argon2id's memory-hard buffer is the key's strength (docs/benchmarks.md B).
        Figure("tui_peak_rss", "TUI: peak RSS up to the first page", "MiB", ratio_target=False),
    ]
    figures.append(wellbeing_figure())
    figures.extend(supervision_figures())
    return {figure.key: figure for figure in figures}


# --------------------------------------------------------------------------------------------
# Workers


class Workers:
    """One worker process per side; `call` runs a command on one side and returns its answer."""

    def __init__(self, setups: list[Setup]) -> None:
        context = multiprocessing.get_context("spawn")
        self.sides = [setup.side for setup in setups]
        self._pipes: dict[str, Any] = {}
        self._processes: dict[str, Any] = {}
        for setup in setups:
            ours, theirs = context.Pipe()
            process = context.Process(target=serve, args=(setup, theirs), name=setup.side)
            process.start()
            self._pipes[setup.side], self._processes[setup.side] = ours, process

    def call(self, side: str, name: str, *args: Any) -> dict[str, Any]:
        self._pipes[side].send((name, args))
        answer: dict[str, Any] = self._pipes[side].recv()
        if not answer.get("ok"):
            raise RuntimeError(f"{side} worker failed in {name}: {answer.get('trace')}")
        return answer

    def interleaved(
        self, count: int, name: str, args: Callable[[int], tuple[Any, ...]] = lambda _: ()
    ) -> dict[str, list[dict[str, Any]]]:
        """`count` samples per side, alternating the order (ABBA) so drift hits both sides."""
        results: dict[str, list[dict[str, Any]]] = {side: [] for side in self.sides}
        for index in range(count):
            order = self.sides if index % 2 == 0 else list(reversed(self.sides))
            for side in order:
                results[side].append(self.call(side, name, *args(index)))
        return results

    def stop(self) -> None:
        for side, pipe in self._pipes.items():
            try:
                pipe.send(None)
                pipe.recv()
            except (EOFError, OSError):
                pass
            self._processes[side].join(timeout=60)


def _same(args: tuple[Any, ...]) -> Callable[[int], tuple[Any, ...]]:
    """The same command arguments for every sample."""
    return lambda _index: args


def _record(figure: Figure, results: dict[str, list[dict[str, Any]]], key: str = "value") -> None:
    for side, answers in results.items():
        figure.samples[side] = [float(answer[key]) for answer in answers]


# --------------------------------------------------------------------------------------------
# The run


def machine_info() -> dict[str, Any]:
    import importlib.metadata as metadata

    import sqlcipher3

    cpu = "unknown"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_kib = 0
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
    conn = sqlcipher3.connect(":memory:")
    cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
    sqlite = conn.execute("SELECT sqlite_version()").fetchone()[0]
    provider = conn.execute("PRAGMA cipher_provider_version").fetchone()
    conn.close()
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    versions: dict[str, str | None] = {}
    for package in ("textual", "rich", "sqlcipher3", "argon2-cffi"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlcipher": cipher,
        "sqlite": sqlite,
        "crypto_provider": provider[0] if provider else None,
        "packages": versions,
        "git": commit,
    }


def calibrated_kdf(cheap: bool, fixed: str = "") -> tuple[int, int, int]:
    from peerjournal.core.kdf import DEFAULT_POLICY, calibrate

    if cheap:
        return CHEAP_KDF
    if fixed:
        memory, iterations, parallelism = (int(part) for part in fixed.split(","))
        return (memory, iterations, parallelism)
    params = calibrate(DEFAULT_POLICY)
    return (params.memory_kib, params.iterations, params.parallelism)


def run_tui_probe(home: Path, side: str, kdf: str, out: Path, pages: int) -> dict[str, Any]:
    command = [
        sys.executable,
        str(HERE / "tui_probe.py"),
        "--home",
        str(home),
        "--out",
        str(out),
        "--pages",
        str(pages),
    ]
    if side == "plain":
        command.append("--plain")
    if kdf:
        command += ["--kdf", kdf]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    started = time.monotonic()
    subprocess.run(
        [*command, "--started", repr(started)],
        input=PASSPHRASE + "\n",
        text=True,
        check=True,
        env=environment,
        timeout=600,
        cwd=HERE,
    )
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    return result


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> dict[str, Any]:
    figures = make_figures()
    out_dir = Path(args.out)
    work = out_dir / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    sides = list(SIDES) + ([DIAGNOSTIC_SIDE] if args.diagnose else [])
    meta: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "entries": args.entries,
        "repeat": args.repeat,
        "seed": args.seed,
        "sides": sides,
        "machine": machine_info(),
    }

    say(f"generating {args.entries:,} entries (seed {args.seed})")
    started = time.perf_counter()
    corpus: Corpus = build_corpus(args.entries, seed=args.seed)
    corpus_path = work / "corpus.json"
    corpus_path.write_bytes(json.dumps(corpus.document, ensure_ascii=False).encode())
    meta["generate_s"] = time.perf_counter() - started
    meta["corpus"] = {
        "counts": corpus.counts(),
        "bytes": corpus_path.stat().st_size,
        "search_terms": {
            "rare": corpus.terms.rare,
            "common": corpus.terms.common,
            "phrase": f'"{corpus.terms.phrase}"',
            "prefix": corpus.terms.prefix,
            "frequent": corpus.terms.frequent,
        },
        "tags": {"common": corpus.common_tag, "rare": corpus.rare_tag},
    }

    say("calibrating Argon2id" if not args.cheap_kdf else "using cheap Argon2id parameters")
    kdf = calibrated_kdf(args.cheap_kdf, args.kdf)
    meta["kdf"] = {
        "memory_kib": kdf[0],
        "iterations": kdf[1],
        "parallelism": kdf[2],
        "production_policy": not args.cheap_kdf,
    }
    setups = [
        Setup(
            side=side,
            home=str(work / side),
            passphrase=PASSPHRASE,
            kdf=kdf,
            production_policy=not args.cheap_kdf,
            corpus_path=str(corpus_path),
            filters={
                "alias": corpus.busy_alias_id,
                "tag": corpus.common_tag,
                "rare_tag": corpus.rare_tag,
            },
            search_terms=meta["corpus"]["search_terms"],
        )
        for side in sides
    ]
    workers = Workers(setups)
    try:
        build = {}
        for side in sides:
            say(f"building the {side} journal through parse_export + import_records")
            build[side] = workers.call(side, "build")
            seconds = build[side]["parse_s"] + build[side]["import_s"]
            figures["import_build"].samples[side] = [build[side]["records"] / seconds]
            size = sum(build[side]["files"].values()) / 1024 / 1024
            figures["db_size"].samples[side] = [size]
            say(
                f"  {build[side]['records']:,} records in {seconds:.1f} s "
                f"({build[side]['records'] / seconds:,.0f}/s), {size:,.0f} MiB"
            )
        meta["build"] = build
        check_files(work, sides)
        corpus_path.unlink()  # 100k entries are ~150 MB of plaintext JSON

        opened = {side: workers.call(side, "open") for side in sides}
        meta["dataset"] = {k: v for k, v in opened["sqlcipher"].items() if k != "ok"}
        measure(workers, figures, corpus, args)
        meta["query_plans"] = query_plans(workers)
    finally:
        workers.stop()

    if not args.skip_cli:
        cli(figures, work / "sqlcipher", corpus.terms.common, kdf, args)
        say("import times (python -X importtime)")
        meta["import_time"] = import_breakdown()
    if not args.skip_tui:
        tui(figures, work, sides, kdf, args)
    meta["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    meta["load_average_end"] = os.getloadavg()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "meta": meta,
        "figures": {
            key: figure.to_json(sides) for key, figure in figures.items() if figure.samples
        },
        "targets": targets_summary(figures),
    }


def check_files(work: Path, sides: list[str]) -> None:
    """The plain database must be plain SQLite and the encrypted ones must not be."""
    from bench_plain import is_plaintext

    for side in sides:
        database = work / side / "journal-1.db"
        if is_plaintext(database) != (side == "plain"):
            raise SystemExit(f"{database}: expected {'plain' if side == 'plain' else 'encrypted'}")


def measure(
    workers: Workers, figures: dict[str, Figure], corpus: Corpus, args: argparse.Namespace
) -> None:
    repeat = args.repeat
    heavy = max(1, min(repeat, 3))

    say("Argon2id alone")
    _record(figures["argon2"], workers.interleaved(max(1, min(repeat, 5)), "argon2"))

    say("unlock beyond Argon2, and the first page on the fresh connection")
    results = workers.interleaved(repeat, "unlock")
    _record(figures["unlock"], results)
    _record(figures["first_page_cold"], results, "first_page_cold")
    figures["unlock"].extra["parts_ms_median"] = {
        side: {
            part: statistics.median(a["parts"][part] for a in answers)
            for part in ("locate", "connect", "migrate")
        }
        for side, answers in results.items()
    }

    queries: list[tuple[str, str, tuple[Any, ...]]] = [
        ("first_page", "first_page", ()),
        ("deep_page", "deep_page", ()),
        ("alias_page", "filtered_page", ("alias",)),
        ("tag_page", "filtered_page", ("tag",)),
        ("rare_tag_page", "filtered_page", ("rare_tag",)),
        ("search_rare", "search", ("rare",)),
        ("search_common", "search", ("common",)),
        ("search_phrase", "search", ("phrase",)),
        ("search_prefix", "search", ("prefix",)),
        ("search_frequent", "search", ("frequent",)),
    ]
    for key, command, command_args in queries:
        say(figures[key].label)
        workers.interleaved(1, command, _same(command_args))  # warm-up, not kept
        results = workers.interleaved(repeat, command, _same(command_args))
        _record(figures[key], results)
        figures[key].extra["results"] = results["sqlcipher"][0].get("result")

    measure_wellbeing(workers, figures, repeat)
    measure_supervision(workers, figures, repeat)

    say("save, edit, delete")
    new_sessions = extra_records(corpus, repeat, seed=args.seed + 1)["sessions"]
    _record(figures["save"], workers.interleaved(repeat, "save", lambda i: (new_sessions[i],)))
    _record(figures["edit"], workers.interleaved(repeat, "edit", lambda i: (i,)))
    _record(figures["delete"], workers.interleaved(repeat, "delete", lambda i: (i,)))

    say(f"import batches of {IMPORT_BATCH}")
    batches = [
        json.dumps(extra_records(corpus, IMPORT_BATCH, seed=args.seed + 100 + i)).encode()
        for i in range(heavy)
    ]
    _record(
        figures["import_batch"], workers.interleaved(heavy, "import_batch", lambda i: (batches[i],))
    )
    say("export")
    results = workers.interleaved(heavy, "export")
    _record(figures["export"], results)
    figures["export"].extra["bytes"] = results["sqlcipher"][0]["bytes"]

    say("compact, then edit and delete again")
    results = workers.interleaved(1, "compact")
    _record(figures["compact"], results)
    for key in ("rss_before_mib", "peak_rss_mib", "rss_after_mib"):
        figures["compact"].extra[key] = {side: answers[0][key] for side, answers in results.items()}
    # Other sessions than the first round's: `repeat` onwards.
    _record(figures["edit_compacted"], workers.interleaved(repeat, "edit", lambda i: (repeat + i,)))
    _record(
        figures["delete_compacted"], workers.interleaved(repeat, "delete", lambda i: (repeat + i,))
    )


# My wellbeing (issue 17): a summary screen from SQL sums over covering indexes.
WELLBEING_WEEKS = 52  # the longest period the screen offers


def wellbeing_figure() -> Figure:
    return Figure(
        "wellbeing",
        f"My wellbeing: {WELLBEING_WEEKS}-week summary",
        "ms",
        target=100,
        target_text="< 100 ms",
    )


def measure_wellbeing(workers: Workers, figures: dict[str, Figure], repeat: int) -> None:
    """`wellbeing_summary(weeks=52)` on both sides, after one warm-up (like the page figures)."""
    figure = figures["wellbeing"]
    say(figure.label)
    workers.interleaved(1, "wellbeing", _same((WELLBEING_WEEKS,)))
    results = workers.interleaved(repeat, "wellbeing", _same((WELLBEING_WEEKS,)))
    _record(figure, results)
    figure.extra["checkins_counted"] = results["sqlcipher"][0].get("result")


# Supervision (issue 18): the Prepare list and the digest's opening figures, from indexes.
def supervision_figures() -> list[Figure]:
    return [
        Figure(
            "supervision_items",
            "Supervision: not yet discussed (a month)",
            "ms",
            target=100,
            target_text="< 100 ms",
        ),
        Figure("supervision_items_all", "Supervision: not yet discussed (all, none ever)", "ms"),
        Figure(
            "period_summary",
            "Supervision: period summary, whole journal",
            "ms",
            target=100,
            target_text="< 100 ms",
        ),
    ]


def measure_supervision(workers: Workers, figures: dict[str, Figure], repeat: int) -> None:
    """`items_for_supervision` with monthly supervisions recorded (then removed again) and
    without any, and `period_summary` of the whole journal; each after one warm-up."""

    def one(key: str, command: str) -> None:
        say(figures[key].label)
        workers.interleaved(1, command)
        results = workers.interleaved(repeat, command)
        _record(figures[key], results)
        figures[key].extra["result"] = results["sqlcipher"][0].get("result")

    for side in workers.sides:
        workers.call(side, "supervision_cycle", True)
    one("supervision_items", "supervision_items")
    for side in workers.sides:
        workers.call(side, "supervision_cycle", False)
    one("supervision_items_all", "supervision_items")
    one("period_summary", "period_summary")


def query_plans(workers: Workers) -> dict[str, Any]:
    """EXPLAIN QUERY PLAN of the queries the timeline and search really run (SQLCipher side)."""
    plans: dict[str, Any] = workers.call("sqlcipher", "plans")["plans"]
    return plans


def _journal_policy(kdf: tuple[int, int, int], args: argparse.Namespace) -> Any:
    """The policy a command opens the journal with: production, or the cheap parameters."""
    from peerjournal.core.kdf import DEFAULT_POLICY, KdfParams, KdfPolicy

    if args.cheap_kdf:
        return KdfPolicy(floor=KdfParams(*kdf), calibrate=False)
    return DEFAULT_POLICY


def cli(
    figures: dict[str, Figure],
    home: Path,
    term: str,
    kdf: tuple[int, int, int],
    args: argparse.Namespace,
) -> None:
    rounds = max(1, min(args.repeat, 5))
    say(f"the command line end to end, {rounds} round(s)")
    result = measure_cli(
        home, PASSPHRASE, rounds, term, _journal_policy(kdf, args), cheap=args.cheap_kdf, say=say
    )
    figures["cli_version"].samples["sqlcipher"] = result["version_ms"]
    figures["cli_python"].samples["sqlcipher"] = result["python_ms"]
    figures["cli_floor"].samples["sqlcipher"] = result["floor_ms"]
    for key, samples in result["beyond_argon2_ms"].items():
        figures[key].samples["sqlcipher"] = samples
        figures[key].extra["total_ms"] = result["total_ms"][key]
        figures[key].extra["cpu_beyond_argon2_ms"] = result["cpu_beyond_argon2_ms"][key]
    for key, samples in result["beyond_argon2_and_work_ms"].items():
        figures[f"{key}_left"].samples["sqlcipher"] = samples
        figures[f"{key}_left"].extra["work_ms"] = result["work_ms"][key]
    for key in ("cli_check", "cli_export"):
        if result["phases"].get(key):
            figures[f"{key}_after"].samples["sqlcipher"] = [
                phase["after_ms"] - phase["work_ms"] for phase in result["phases"][key]
            ]
    phases = result["search_phases"]
    for key, name in (
        ("cli_search_own", "beyond_own_argon2_ms"),
        ("cli_search_before", "before_ms"),
        ("cli_search_after", "after_ms"),
    ):
        if phases:
            figures[key].samples["sqlcipher"] = [phase[name] for phase in phases]
    if phases:
        figures["cli_search_own"].extra.update(
            argon2_ms=[phase["argon2_ms"] for phase in phases],
            total_ms=[phase["total_ms"] for phase in phases],
            during_cpu_ms=[phase["during_cpu_ms"] for phase in phases],
        )
    figures["cli_search"].extra.update(
        argon2_ms=result["argon2_ms"],
        argon2_cpu_ms=result["argon2_cpu_ms"],
        command=result["prefix"],
    )


def tui(
    figures: dict[str, Figure],
    work: Path,
    sides: list[str],
    kdf: tuple[int, int, int],
    args: argparse.Namespace,
) -> None:
    kdf_arg = ",".join(map(str, kdf)) if args.cheap_kdf else ""
    count = max(1, min(args.repeat, 3))
    probe_sides = [side for side in sides if side != DIAGNOSTIC_SIDE]
    say(f"TUI probe, {count} run(s) per side")
    for index in range(count):
        order = probe_sides if index % 2 == 0 else list(reversed(probe_sides))
        for side in order:
            # Argon2id alone, right before the probe, with the same parameters: the pair
            # sees the same machine.
            argon2, argon2_cpu, _keys = JournalWork(
                work / "sqlcipher", PASSPHRASE, _journal_policy(kdf, args)
            ).argon2_ms()
            result = run_tui_probe(work / side, side, kdf_arg, work / "probe.json", args.tui_pages)
            figures["tui_unlock_beyond"].samples.setdefault(side, []).append(
                result["unlock_to_first_page_ms"] - argon2
            )
            figures["tui_unlock_beyond"].extra.setdefault(side, []).append(
                {
                    "argon2_ms": argon2,
                    "cpu_beyond_argon2_ms": result["unlock_to_first_page_cpu_ms"] - argon2_cpu,
                }
            )
            figures["tui_unlock_own"].samples.setdefault(side, []).append(
                result["enter_to_argon2_ms"] + result["argon2_to_first_page_ms"]
            )
            for key, field_name, scale in (
                ("tui_enter_to_argon2", "enter_to_argon2_ms", 1.0),
                ("tui_argon2_to_page", "argon2_to_first_page_ms", 1.0),
                ("tui_argon2_in_app", "argon2_in_app_ms", 1.0),
                ("tui_launch", "launch_to_unlock_screen_ms", 1.0),
                ("tui_unlock", "unlock_to_first_page_ms", 1.0),
                ("tui_rss", "rss_timeline_kib", 1 / 1024),
                ("tui_peak_rss_open", "peak_rss_timeline_kib", 1 / 1024),
                ("tui_peak_rss", "peak_rss_kib", 1 / 1024),
            ):
                figures[key].samples.setdefault(side, []).append(result[field_name] * scale)
            figures["tui_rss"].extra.setdefault(side, []).append(
                {
                    k: result[k]
                    for k in (
                        "loaded_items",
                        "rss_unlock_screen_kib",
                        "rss_first_page_kib",
                        "imports_ms",
                        "modules",
                        "focus_after_unlock",
                        "peak_rss_timeline_method",
                    )
                }
            )


def targets_summary(figures: dict[str, Figure]) -> list[dict[str, Any]]:
    rows = []
    for figure in figures.values():
        if figure.target is not None and figure.summary("sqlcipher"):
            rows.append(
                {
                    "figure": figure.key,
                    "target": figure.target_text,
                    "value": figure.summary("sqlcipher")["median"],  # type: ignore[index]
                    "met": figure.met(),
                }
            )
    ratios = {
        key: figure.ratio()
        for key, figure in figures.items()
        if figure.ratio_target and figure.ratio() is not None
    }
    worst = max(ratios, key=lambda key: ratios[key] or 0.0) if ratios else None
    rows.append(
        {
            "figure": "ratio",
            "target": f"SQLCipher / plain <= {RATIO_TARGET}",
            "value": ratios[worst] if worst else None,
            "worst": worst,
            "missed": sorted(
                key for key, ratio in ratios.items() if ratio and ratio > RATIO_TARGET
            ),
            "met": all(ratio is not None and ratio <= RATIO_TARGET for ratio in ratios.values()),
        }
    )
    return rows


# --------------------------------------------------------------------------------------------
# Output


def _number(value: float, unit: str) -> str:
    if unit == "entries/s":
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def print_table(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    meta = report["meta"]
    sides = meta["sides"]
    machine = meta["machine"]
    table = Table(
        title=(
            f"peerjournal benchmark: {meta['entries']:,} entries, repeat {meta['repeat']}, "
            f"{machine['cpus']} CPUs, SQLCipher {machine['sqlcipher']}"
        ),
        title_justify="left",
    )
    table.add_column("figure")
    table.add_column("unit")
    table.add_column("SQLCipher median", justify="right")
    table.add_column("(min-max)", justify="right")
    table.add_column("plain median", justify="right")
    table.add_column("(min-max)", justify="right")
    table.add_column("ratio", justify="right")
    if DIAGNOSTIC_SIDE in sides:
        table.add_column("memsec-on median", justify="right")
        table.add_column("ratio", justify="right")
    table.add_column("target")
    table.add_column("met", justify="center")
    for figure in report["figures"].values():
        unit = figure["unit"]
        cells = [figure["label"], unit]
        for side in ("sqlcipher", "plain"):
            summary = figure.get(side)
            if summary:
                cells += [
                    _number(summary["median"], unit),
                    f"{_number(summary['min'], unit)}-{_number(summary['max'], unit)}",
                ]
            else:
                cells += ["", ""]
        ratio = figure["ratio"]
        ratio_text = f"{ratio:.2f}" if ratio is not None else ""
        if figure["ratio_target_met"] is False:
            ratio_text = f"[red]{ratio_text}[/]"
        cells.append(ratio_text)
        if DIAGNOSTIC_SIDE in sides:
            summary = figure.get(DIAGNOSTIC_SIDE)
            cells.append(_number(summary["median"], unit) if summary else "")
            other = figure.get("ratio_memsec")
            cells.append(f"{other:.2f}" if other is not None else "")
        cells.append(figure["target"] or "")
        met = figure["target_met"]
        cells.append("" if met is None else ("[green]yes[/]" if met else "[red]NO[/]"))
        table.add_row(*cells)
    console = Console()
    if not console.is_terminal:
        console = Console(width=200)
    console.print(table)
    for row in report["targets"]:
        if row["figure"] == "ratio":
            verdict = "[green]met[/]" if row["met"] else "[red]missed[/]"
            missed = ", ".join(row["missed"]) or "none"
            console.print(f"SQLCipher / plain <= {RATIO_TARGET}: {verdict} (over: {missed})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark peerjournal on SQLCipher against plain SQLite (same run)."
    )
    parser.add_argument("--entries", type=int, default=100_000, help="dated records to build")
    parser.add_argument(
        "--repeat",
        type=int,
        default=15,
        help="samples per figure (Argon2 at most 5, import/export/TUI at most 3)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        help="where to write the JSON (default: benchmarks/out/<timestamp>.json)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="work and output folder")
    parser.add_argument("--skip-tui", action="store_true", help="skip the headless TUI probe")
    parser.add_argument(
        "--skip-cli", action="store_true", help="skip the CLI end to end and the import times"
    )
    parser.add_argument(
        "--tui-pages", type=int, default=20, help="pages the TUI probe loads before reading its RSS"
    )
    parser.add_argument("--seed", type=int, default=20260, help="corpus seed")
    parser.add_argument(
        "--cheap-kdf",
        action="store_true",
        help="tiny Argon2id parameters instead of calibrated ones (smoke tests)",
    )
    parser.add_argument(
        "--diagnose",
        action="store_true",
        help="add a third side: SQLCipher with cipher_memory_security on (off in peerjournal)",
    )
    parser.add_argument(
        "--kdf",
        default="",
        metavar="M,T,P",
        help="Argon2id memory KiB, iterations, lanes instead of calibrating (to compare runs)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the built journals")
    parser.add_argument("--quiet", action="store_true", help="no table on the terminal")
    args = parser.parse_args(argv)
    if args.entries < 100:
        parser.error("--entries must be at least 100")
    if not 1 <= args.repeat <= 100:
        parser.error("--repeat must be from 1 to 100 (each round deletes other sessions)")
    report = run(args)
    path = args.json or Path(args.out) / (
        f"bench-{args.entries}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1) + "\n")
    if not args.quiet:
        print_table(report)
    say(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
