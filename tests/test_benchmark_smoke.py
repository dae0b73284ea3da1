"""The benchmark scripts still run end to end (1k entries, tiny TUI probe). No timing asserts.

Performance is measured by `python benchmarks/run.py` (docs/benchmarks.md), never by the test
suite: this only checks that the script completes and writes the JSON it documents.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIGURES = {
    "argon2",
    "unlock",
    "first_page_cold",
    "first_page",
    "deep_page",
    "alias_page",
    "tag_page",
    "rare_tag_page",
    "search_rare",
    "search_common",
    "search_phrase",
    "search_prefix",
    "search_frequent",
    "wellbeing",
    "supervision_items",
    "supervision_items_all",
    "period_summary",
    "save",
    "edit",
    "delete",
    "compact",
    "edit_compacted",
    "delete_compacted",
    "import_build",
    "import_batch",
    "export",
    "db_size",
    "tui_launch",
    "tui_unlock",
    "tui_unlock_beyond",
    "tui_unlock_own",
    "tui_enter_to_argon2",
    "tui_argon2_to_page",
    "tui_argon2_in_app",
    "tui_rss",
    "tui_peak_rss_open",
    "tui_peak_rss",
}
# Timed end to end as commands, which only the SQLCipher side can be.
CLI_FIGURES = {
    "cli_python",
    "cli_floor",
    "cli_version",
    "cli_search",
    "cli_search_own",
    "cli_search_before",
    "cli_search_after",
    "cli_check",
    "cli_check_left",
    "cli_check_after",
    "cli_export",
    "cli_export_left",
    "cli_export_after",
}


@pytest.mark.slow
def test_benchmark_runs_at_1k_entries_and_writes_its_json(tmp_path: Path) -> None:
    report_path = tmp_path / "bench.json"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--entries",
            "1000",
            "--repeat",
            "2",
            "--cheap-kdf",
            "--tui-pages",
            "2",
            "--out",
            str(tmp_path / "out"),
            "--json",
            str(report_path),
            "--quiet",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    report = json.loads(report_path.read_text())

    assert set(report) == {"meta", "figures", "targets"}
    meta = report["meta"]
    assert meta["entries"] == 1000
    assert {"cpus", "cpu_model", "python", "sqlcipher", "sqlite"} <= set(meta["machine"])
    assert meta["dataset"]["entries"] > 0
    assert set(report["figures"]) == FIGURES | CLI_FIGURES
    for key in CLI_FIGURES:
        summary = report["figures"][key]["sqlcipher"]
        assert summary["n"] == 2 and summary["min"] <= summary["median"] <= summary["max"], key
    for key, figure in report["figures"].items():
        if key in CLI_FIGURES:
            continue
        for side in ("sqlcipher", "plain"):
            summary = figure[side]
            assert {"median", "min", "max", "n", "samples"} <= set(summary), key
            assert summary["min"] <= summary["median"] <= summary["max"], key
        assert figure["ratio"] is not None, key
    assert any(row["figure"] == "ratio" for row in report["targets"])
    # The import-time breakdown of the CLI and the app, per package, in milliseconds.
    for probe in ("cli", "app"):
        breakdown = meta["import_time"][probe]
        assert breakdown["modules"] > 0 and breakdown["total_ms"] > 0
        assert "peerjournal.cli" in breakdown["by_package_ms"]
    assert "textual" in meta["import_time"]["app"]["by_package_ms"]
    assert "textual" not in meta["import_time"]["cli"]["by_package_ms"]
    compact = report["figures"]["compact"]["extra"]
    for side in ("sqlcipher", "plain"):
        assert compact["rss_after_mib"][side] > 0
        peak = compact["peak_rss_mib"][side]
        assert peak is None or peak >= compact["rss_after_mib"][side]
    # The work folder (journals, corpus) is removed unless --keep is given.
    assert not (tmp_path / "out" / "work").exists()


def test_page_cost_runs_and_reports_each_protection(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "page_cost.py"), "--notes", "300"],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path)},  # where its throwaway databases go
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    rows = completed.stdout.splitlines()[2:]
    assert [row.split("  ")[0] for row in rows] == [
        "plain SQLite",
        "AES-256-CBC + HMAC-SHA512 (peerjournal)",
        "AES-256-CBC + HMAC-SHA256",
        "AES-256-CBC, no HMAC",
    ]
    assert all(row.count("x") >= 2 and " ms " in row for row in rows)
    assert list(tmp_path.iterdir()) == []  # and it removed them
