"""The supervision digest: reflections marked for supervision, de-identified for a supervisor.

For the reflections marked "for supervision" in a date range, with the sessions they link to:

- every alias becomes "Person A", "Person B", ... consistently, in order of first appearance;
  pseudonyms are replaced wherever they appear in the text (any case, as whole words, also
  before a possessive "'s"), not only where a record links to the alias;
- every likely identifier the privacy nudges find (emails, phone numbers, addresses, birth
  dates, ID numbers, names that are not an alias) becomes "[redacted <kind>]". The nudges run
  after the pseudonyms are replaced, so "Person A" is not mistaken for a name, and again over
  the finished digest until they find nothing;
- everything else (the free text) is kept; dates are shown without times of day.

What this cannot hide (docs/backup.md says it plainly): details the nudges do not recognise
(a nickname in lower case, a rare illness, a workplace, a story someone would recognise),
parts of a multi-word pseudonym used on their own, and pseudonyms that are ordinary words are
replaced wherever that word appears. The digest is produced in memory; writing it anywhere is
the caller's decision.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date

from peerjournal.core.errors import NotFound
from peerjournal.core.journal import Journal
from peerjournal.core.markdown import RenderContext, render_entry
from peerjournal.core.models import Reflection, Session
from peerjournal.core.privacy import IdentifierHint, find_identifiers

MAX_REDACTION_ROUNDS = 8
_HEADING_MARK = re.compile(r"^#{1,6}(?=\s)", re.MULTILINE)


def person_label(index: int) -> str:
    """0 -> 'Person A', 25 -> 'Person Z', 26 -> 'Person AA', like spreadsheet columns."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return f"Person {letters}"


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


class Pseudonyms:
    """Aliases as "Person A", "Person B", ... in order of first appearance; text without them."""

    def __init__(self, aliases: dict[str, str]) -> None:
        """`aliases` maps alias id -> pseudonym (every alias in the journal)."""
        self._labels: dict[str, str] = {}
        self._by_key: dict[str, str] = {}
        for alias_id, pseudonym in aliases.items():
            if pseudonym.strip():
                self._by_key.setdefault(_key(pseudonym), alias_id)
        self.possible_labels = [person_label(i) for i in range(max(1, len(self._by_key)))]
        alternatives = sorted(self._by_key, key=len, reverse=True)
        self._pattern = (
            re.compile(
                r"(?<!\w)(?:"
                + "|".join(r"\s+".join(map(re.escape, key.split())) for key in alternatives)
                + r")(?!\w)",
                re.IGNORECASE,
            )
            if alternatives
            else None
        )

    @property
    def labels(self) -> list[str]:
        """The labels handed out so far, in order."""
        return list(self._labels.values())

    def label(self, alias_id: str | None) -> str | None:
        if not alias_id:
            return None
        if alias_id not in self._labels:
            self._labels[alias_id] = person_label(len(self._labels))
        return self._labels[alias_id]

    def replace(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(self._substitute, text)

    def _substitute(self, match: re.Match[str]) -> str:
        key = _key(match.group())
        # Where Unicode case folding and the regex's case matching disagree, the match still
        # gets a label of its own: a pseudonym is never left in the text.
        return self.label(self._by_key.get(key, f"unmatched:{key}")) or ""


def identifiers_in(text: str, known: list[str]) -> list[IdentifierHint]:
    """The privacy nudges' hits in Markdown `text`, read as a person reads it.

    Heading markers are Markdown, not words: they are blanked (same length, so offsets hold)
    before the nudges run, or a one-word heading such as "## Description" would read as a
    capitalised word in mid-sentence, that is, as a name.
    """
    return find_identifiers(_HEADING_MARK.sub(lambda m: " " * len(m.group()), text), known)


def redact_identifiers(text: str, known: list[str]) -> tuple[str, int]:
    """Replace every likely identifier with "[redacted <kind>]"; return the text and how many.

    Runs the nudges again on the result until they find nothing, since joining the pieces
    around a redaction can make a new match.
    """
    total = 0
    for _ in range(MAX_REDACTION_ROUNDS):
        hints = identifiers_in(text, known)
        if not hints:
            return text, total
        for hint in reversed(hints):
            text = f"{text[: hint.start]}[redacted {hint.kind.replace('_', ' ')}]{text[hint.end :]}"
        total += len(hints)
    if identifiers_in(text, known):
        raise RuntimeError("redaction did not settle")  # never seen; fail closed, not open
    return text, total


@dataclass(frozen=True)
class SupervisionDigest:
    text: str
    since: date | None
    until: date | None
    reflections: int
    sessions: int
    people: tuple[str, ...]  # the labels used, in order
    redactions: int


def _range_text(since: date | None, until: date | None) -> str:
    if since and until:
        return f"from {since.isoformat()} to {until.isoformat()}"
    if since:
        return f"since {since.isoformat()}"
    if until:
        return f"until {until.isoformat()}"
    return "of any date"


def _supervision_reflections(
    journal: Journal, since: date | None, until: date | None
) -> list[Reflection]:
    clauses, params = ["for_supervision = 1"], []
    if since:
        clauses.append("occurred_on >= ?")
        params.append(since.isoformat())
    if until:
        clauses.append("occurred_on <= ?")
        params.append(until.isoformat())
    with journal.locked_connection() as conn:
        ids = [
            row[0]
            for row in conn.execute(
                f"SELECT id FROM reflections WHERE {' AND '.join(clauses)} "  # noqa: S608
                "ORDER BY sort_ts, id",
                params,
            )
        ]
    return [journal.get(Reflection, reflection_id) for reflection_id in ids]


def supervision_digest(
    journal: Journal, since: date | None = None, until: date | None = None
) -> SupervisionDigest:
    """Build the de-identified digest in memory (Markdown text); nothing is written anywhere."""
    reflections = _supervision_reflections(journal, since, until)
    names = journal.alias_names()
    pseudonyms = Pseudonyms(names)
    known = pseudonyms.possible_labels
    redactions = 0

    def clean(text: str) -> str:
        # Identifiers first, while the pseudonyms are there to tell the nudges they are not
        # names (and so "jo.smith@..." is an email before "Jo" is replaced); then the
        # pseudonyms; then the nudges again, with the labels known.
        nonlocal redactions
        text, first = redact_identifiers(text, list(names.values()))
        text, second = redact_identifiers(pseudonyms.replace(text), known)
        redactions += first + second
        return text

    linked: dict[str, Session] = {}
    for reflection in reflections:
        if reflection.session_id and reflection.session_id not in linked:
            with contextlib.suppress(NotFound):  # a dangling link shows no session
                linked[reflection.session_id] = journal.get(Session, reflection.session_id)

    ctx = RenderContext(
        alias_label=pseudonyms.label,
        session_ref=lambda session_id: "session below" if session_id in linked else None,
        text=clean,
        precise_times=False,
    )
    blocks: list[str] = []
    shown: set[str] = set()
    for reflection in reflections:
        blocks.append(render_entry(reflection, ctx, level=2))
        session = linked.get(reflection.session_id or "")
        if session is not None:
            label = "Session (linked, also above)" if session.id in shown else "Session (linked)"
            blocks.append(render_entry(session, ctx, level=3, label=label))
            shown.add(session.id)
    people = len(pseudonyms.labels)
    intro = (
        f"# Supervision digest\n\nReflections marked for supervision {_range_text(since, until)}: "
        f"{len(reflections)} reflection{'s' if len(reflections) != 1 else ''}, "
        f"{len(linked)} linked session{'s' if len(linked) != 1 else ''}, "
        f"{people} {'person' if people == 1 else 'people'}.\n\n"
        "People appear as Person A, Person B, ... in order of first mention; likely "
        "identifiers appear as [redacted ...]. Read it through before you share it: "
        "it cannot hide everything.\n"
    )
    if not reflections:
        blocks.append("No reflections are marked for supervision in this range.\n")
    text, final = redact_identifiers(intro + "\n" + "\n".join(blocks), known)
    return SupervisionDigest(
        text=text,
        since=since,
        until=until,
        reflections=len(reflections),
        sessions=len(linked),
        people=tuple(pseudonyms.labels),
        redactions=redactions + final,
    )
