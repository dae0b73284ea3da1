"""Styles live in stylesheets (issue 15): one .tcss file per screen module next to the app,
every one of them loaded, colours only from the theme, and none left in a screen's
DEFAULT_CSS (which stays for reusable widgets)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import tomllib
from pathlib import Path

from textual.screen import Screen

import peerjournal.tui.screens
from peerjournal.tui.app import CSS_PATH, STYLES_DIR, STYLESHEETS

# A colour written out instead of a theme variable ($primary, $warning, ...): hex, rgb()/hsl(),
# or a colour's name as a value.
_LITERAL_COLOUR = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|\b(?:rgb|rgba|hsl|hsla)\(|"
    r":\s*(?:[\w-]+\s+)*(?:red|green|blue|yellow|white|black|gr[ae]y|orange|magenta|cyan)\b"
)


def test_every_stylesheet_is_loaded_and_every_loaded_one_exists() -> None:
    on_disk = {path.stem for path in STYLES_DIR.glob("*.tcss")}
    assert set(STYLESHEETS) == on_disk
    assert len(STYLESHEETS) == len(set(STYLESHEETS))
    assert all(Path(path).is_file() for path in CSS_PATH)
    assert STYLESHEETS[0] == "app"  # the shared rules first


def test_stylesheets_use_theme_variables_not_literal_colours() -> None:
    for path in STYLES_DIR.glob("*.tcss"):
        text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
        for number, line in enumerate(text.splitlines(), 1):
            assert not _LITERAL_COLOUR.search(line), f"{path.name}:{number}: {line.strip()}"


def test_no_screen_keeps_its_styles_in_default_css() -> None:
    package = peerjournal.tui.screens
    offenders = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            own = cls.__module__ == module.__name__
            if own and issubclass(cls, Screen) and cls.__dict__.get("DEFAULT_CSS"):
                offenders.append(f"{info.name}.{name}")
    assert offenders == [], "move these screens' CSS to styles/<module>.tcss"


def test_the_stylesheets_ship_in_the_wheel() -> None:
    pyproject = Path(__file__).parents[2] / "pyproject.toml"
    data = tomllib.loads(pyproject.read_text())["tool"]["setuptools"]["package-data"]
    assert "tui/styles/*.tcss" in data["peerjournal"]
