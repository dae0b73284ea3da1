"""Regular expressions compiled the first time they are used, not when a module is imported.

The command line imports the core while Argon2id derives the key, and the app imports it before
its unlock screen is drawn; compiling the identifier nudges' thirty-odd patterns at import took
longer than Python's own start. A `LazyPattern` is written where the pattern belongs, like
`re.compile(...)`, and compiles on its first match. Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cached_property

__all__ = ["LazyPattern"]


class LazyPattern:
    """`re.compile(pattern, flags)`, done on first use; the methods the core uses delegate."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        """The compiled expression (compiled once, on the first call)."""
        return re.compile(self.pattern, self.flags)

    def search(self, string: str, pos: int = 0) -> re.Match[str] | None:
        return self.compiled.search(string, pos)

    def match(self, string: str, pos: int = 0) -> re.Match[str] | None:
        return self.compiled.match(string, pos)

    def fullmatch(self, string: str) -> re.Match[str] | None:
        return self.compiled.fullmatch(string)

    def finditer(self, string: str) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string)

    def findall(self, string: str) -> list[str]:
        return self.compiled.findall(string)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str]:
        return self.compiled.split(string, maxsplit)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags!r})"
