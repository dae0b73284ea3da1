"""`.ci/run` runs the README's test command verbatim, then the house's checks."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def readme_test_command() -> str:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Run the tests", 1)[1]
    match = re.search(r"```sh\n(.+?)\n```", section, re.S)
    assert match
    return match.group(1)


def test_ci_runs_the_readme_test_command_verbatim_then_every_check() -> None:
    script = (REPO / ".ci" / "run").read_text().splitlines()
    command = readme_test_command()
    assert command in script
    after = script[script.index(command) + 1 :]
    for check in (
        "check ruff check src tests",
        "check ruff format --check src tests",
        "check mypy",
        "check mypy --platform win32",
        "check mypy --platform darwin",
        "check lint-imports",
    ):
        assert check in after, check
    assert "python -m pip install -q -e '.[dev]'" in after
    assert "set -euo pipefail" in script
