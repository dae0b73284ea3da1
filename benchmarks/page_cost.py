"""What SQLCipher's page protection costs on a cold read, with and without its HMAC.

    python benchmarks/page_cost.py [--notes 20000]

Builds one small notes table (made-up words, 50-400 per note, an index on time) four times:
plain SQLite, SQLCipher as peerjournal uses it (AES-256-CBC + HMAC-SHA512, SQLCipher 4's
default), with HMAC-SHA256, and with no HMAC at all. Then, on a fresh connection each time
(empty page cache, warm OS cache), it times a full scan of the notes and the newest 60 rows
with the start of their text, and prints each as a ratio to plain. The last two settings are
here only to show where the cost goes; peerjournal never uses them (docs/benchmarks.md, "What
still misses", A). Nothing here touches a real journal: the files go to a temporary folder
that is removed at the end.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import sqlcipher3

KEY = "x'" + "ab" * 32 + "'"  # a throwaway key for throwaway files
SETTINGS: dict[str, list[str] | None] = {
    "plain SQLite": None,
    "AES-256-CBC + HMAC-SHA512 (peerjournal)": [],
    "AES-256-CBC + HMAC-SHA256": ["PRAGMA cipher_hmac_algorithm = HMAC_SHA256"],
    "AES-256-CBC, no HMAC": ["PRAGMA cipher_use_hmac = OFF"],
}
SCAN = "SELECT sum(length(body)) FROM notes"
FIRST_ROWS = "SELECT id, substr(body, 1, 80) FROM notes ORDER BY ts DESC LIMIT 60"


def _connect(path: Path, pragmas: list[str] | None) -> sqlcipher3.Connection:
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    if pragmas is not None:
        conn.execute(f'PRAGMA key = "{KEY}"')
        for pragma in pragmas:
            conn.execute(pragma)
    conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


def _notes(count: int) -> list[str]:
    rng = random.Random(1)  # noqa: S311 - test data
    vocabulary = [
        "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))
        for _ in range(40_000)
    ]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    return [
        " ".join(rng.choices(vocabulary, weights, k=rng.randint(50, 400))) for _ in range(count)
    ]


def _cold(path: Path, pragmas: list[str] | None, sql: str, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        conn = _connect(path, pragmas)
        started = time.perf_counter()
        conn.execute(sql).fetchall()
        samples.append(time.perf_counter() - started)
        conn.close()
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=20_000)
    args = parser.parse_args()
    notes = _notes(args.notes)
    results: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="peerjournal-page-cost-") as folder:
        for index, (name, pragmas) in enumerate(SETTINGS.items()):
            path = Path(folder) / f"{index}.db"
            conn = _connect(path, pragmas)
            conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, ts INTEGER, body TEXT)")
            conn.execute("CREATE INDEX notes_by_time ON notes (ts)")
            with conn:
                conn.execute("BEGIN")
                conn.executemany("INSERT INTO notes (ts, body) VALUES (?, ?)", enumerate(notes))
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
            results[name] = (_cold(path, pragmas, SCAN, 5), _cold(path, pragmas, FIRST_ROWS, 15))
    plain_scan, plain_rows = results["plain SQLite"]
    print(f"{args.notes:,} notes; medians on a fresh connection; ratio to plain SQLite")
    print(f"{'page protection':42} {'full scan':>18} {'newest 60 rows':>18}")
    for name, (scan, rows) in results.items():
        print(
            f"{name:42} {scan:9.1f} ms {scan / plain_scan:5.2f}x "
            f"{rows:9.3f} ms {rows / plain_rows:5.2f}x"
        )


if __name__ == "__main__":
    main()
