"""Each record kind's words, defined once: the CLI, the app and the exports say the same thing.

`KIND_WORDS[kind]` holds the singular and plural a sentence uses ("2 check-ins") and the title
a heading or a column uses ("Check-in"). `describe_counts` turns a journal's counts into one
phrase, with the right plural for each kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class KindWords:
    """How one kind of record is named."""

    singular: str  # in a sentence: "1 follow-up"
    plural: str  # in a sentence: "3 follow-ups"
    title: str  # a heading: "Follow-up"
    label: str = ""  # the timeline's kind column and list labels, 11 wide; "" = the title

    @property
    def short(self) -> str:
        """The kind in a narrow column or beside an entry: "Session", "Confidentiality"."""
        return self.label or self.title

    def count(self, number: int) -> str:
        """'1 session', '0 sessions', '2 sessions'."""
        return f"{number} {self.singular if number == 1 else self.plural}"


KIND_WORDS: Mapping[str, KindWords] = {
    "alias": KindWords("alias", "aliases", "Alias"),
    "session": KindWords("session", "sessions", "Session"),
    "reflection": KindWords("reflection", "reflections", "Reflection"),
    "follow_up": KindWords("follow-up", "follow-ups", "Follow-up"),
    "checkin": KindWords("check-in", "check-ins", "Check-in"),
    "confidentiality_event": KindWords(
        "confidentiality event",
        "confidentiality events",
        "Confidentiality event",
        label="Confidentiality",
    ),
    "debrief": KindWords("debrief", "debriefs", "Debrief"),
    "supervision": KindWords("supervision", "supervisions", "Supervision"),
    "boundary_event": KindWords(
        "boundary event", "boundary events", "Boundary event", label="Boundary"
    ),
}

# A boundary event's `what`, in words (models.BoundaryEvent.CHOICES).
BOUNDARY_WHAT_WORDS: Mapping[str, str] = {
    "gift": "gift",
    "money": "money",
    "out_of_hours_contact": "out-of-hours contact",
    "social_media_request": "social-media request",
    "physical_contact": "physical contact",
    "romantic_interest": "romantic interest",
    "other": "other",
}

# How a person supported may also know me (models.DUAL_RELATIONSHIP_KINDS), in words.
DUAL_RELATIONSHIP_WORDS: Mapping[str, str] = {
    "same_fellowship": "same fellowship or meeting",
    "neighbour": "neighbour",
    "social_media": "social media",
    "family_or_friend": "family or friend link",
    "co_worker": "co-worker",
    "other": "other",
}

# A confidentiality event's label (journal.Summary.label, the timeline's kind column) says
# which occasion it was: limits reached, or a concern taken to consultation.
OCCASION_LABELS: Mapping[str, str] = {"limits_reached": "Limits", "concern": "Concern"}

# A supervision's format, as a sentence says it ("individual supervision").
SUPERVISION_FORMAT_WORDS: Mapping[str, str] = {
    "individual": "individual",
    "group": "group",
    "peer": "peer (with other supporters)",
}


def supervision_title(format_: str, role: str, items: int, next_on: str | None) -> str:
    """The one line that names a supervision on the timeline, in search and in lists, after
    its label: 'individual, with line manager · 2 items brought · next 2026-12-09'."""
    head = SUPERVISION_FORMAT_WORDS.get(format_, format_.replace("_", " "))
    if role:
        head += f", with {role}"
    parts = [head]
    if items:
        parts.append(f"{items} {'item' if items == 1 else 'items'} brought")
    if next_on:
        parts.append(f"next {next_on}")
    return " · ".join(parts)


def words_for(kind: str) -> KindWords:
    """The words of `kind`; a kind this version does not know is named by its key."""
    known = KIND_WORDS.get(kind)
    if known is not None:
        return known
    name = kind.replace("_", " ")
    return KindWords(name, name, name.capitalize())


def describe_counts(counts: Mapping[str, int], *, skip_empty: bool = False) -> str:
    """'2 aliases, 1 session, 0 reflections' in the order given; with `skip_empty`, kinds with
    none are left out ('nothing' when that leaves none)."""
    parts = [
        words_for(kind).count(number) for kind, number in counts.items() if number or not skip_empty
    ]
    return ", ".join(parts) or "nothing"
