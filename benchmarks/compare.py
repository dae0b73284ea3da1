"""Markdown tables from benchmark JSON files: one run, or two runs side by side.

    python benchmarks/compare.py benchmarks/out/bench-100000-A.json
    python benchmarks/compare.py before.json after.json

One file: every figure with its SQLCipher and plain medians (min-max), the ratio and the
target. Two files: the SQLCipher median and the ratio of each run, and after / before. Ratios
are SQLCipher cost / plain cost from the same run, so they compare across noisy runs better
than absolute times do.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

# The optional third side (--diagnose): its column heading and its ratio's key. Runs recorded
# before peerjournal turned memory security off had the opposite third side.
DIAGNOSTIC_SIDES = {
    "sqlcipher-memsec": ("memsec-on median", "ratio_memsec"),
    "sqlcipher-no-memsec": ("no-memsec median", "ratio_no_memsec"),
}


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "entries/s" or value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _cell(summary: dict[str, Any] | None, unit: str) -> str:
    if not summary:
        return ""
    low, high = _number(summary["min"], unit), _number(summary["max"], unit)
    return f"{_number(summary['median'], unit)} ({low}–{high})"


def _met(figure: dict[str, Any]) -> str:
    met = figure.get("target_met")
    return "" if met is None else ("met" if met else "**missed**")


def _ratio(value: float | None, flag: bool | None = None) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}"
    return f"**{text}**" if flag is False else text


def one(report: dict[str, Any]) -> str:
    diagnose = next((s for s in report["meta"]["sides"] if s in DIAGNOSTIC_SIDES), None)
    head = ["figure", "unit", "SQLCipher median (min–max)", "plain median (min–max)", "ratio"]
    if diagnose:
        head += [DIAGNOSTIC_SIDES[diagnose][0], "ratio"]
    head += ["target", ""]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for figure in report["figures"].values():
        unit = figure["unit"]
        row = [
            figure["label"],
            unit,
            _cell(figure.get("sqlcipher"), unit),
            _cell(figure.get("plain"), unit),
            _ratio(figure["ratio"], figure.get("ratio_target_met")),
        ]
        if diagnose:
            other = figure.get(diagnose)
            row += [
                _number(other["median"], unit) if other else "",
                _ratio(figure.get(DIAGNOSTIC_SIDES[diagnose][1])),
            ]
        row += [figure.get("target") or "", _met(figure)]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def two(before: dict[str, Any], after: dict[str, Any]) -> str:
    head = [
        "figure",
        "unit",
        "SQLCipher before",
        "SQLCipher after",
        "after / before",
        "ratio before",
        "ratio after",
        "target",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, figure in after["figures"].items():
        old = before["figures"].get(key)
        unit = figure["unit"]
        new_median = (figure.get("sqlcipher") or {}).get("median")
        old_median = ((old or {}).get("sqlcipher") or {}).get("median")
        change = ""
        if new_median and old_median:
            change = f"{new_median / old_median:.2f}"
        lines.append(
            "| "
            + " | ".join(
                [
                    figure["label"],
                    unit,
                    _number(old_median, unit),
                    _number(new_median, unit),
                    change,
                    _ratio((old or {}).get("ratio")),
                    _ratio(figure.get("ratio"), figure.get("ratio_target_met")),
                    f"{figure.get('target') or ''} {_met(figure)}".strip(),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", type=Path, nargs="+", help="one or two JSON files")
    args = parser.parse_args()
    if len(args.reports) > 2:
        parser.error("give one or two JSON files")
    reports = [json.loads(path.read_text()) for path in args.reports]
    print(one(reports[0]) if len(reports) == 1 else two(reports[0], reports[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
