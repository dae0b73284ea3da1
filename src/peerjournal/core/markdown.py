"""Markdown rendering of journal entries, and the filters of the Markdown export.

One readable document grouped by month (oldest first), or one file per entry; each kind of
record has one renderer, shared with the supervision digest, which passes its own text
transform (pseudonyms out, identifiers redacted) and asks for dates without times. The text a
supporter wrote is kept as written, except that Markdown headings inside it are moved below
the entry's own heading, so a template's "## Feelings" never reads as a new month.

Nothing here writes files or warns: the caller decides where plaintext goes (see
`exchange.write_private_file` and `exchange.write_private_folder`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from peerjournal.core.errors import NotFound
from peerjournal.core.journal import Cursor, Journal
from peerjournal.core.models import (
    REFLECTION_TEMPLATES,
    Alias,
    BoundaryEvent,
    CheckIn,
    ConfidentialityEvent,
    Debrief,
    FollowUp,
    Record,
    Reflection,
    Session,
    Supervision,
)
from peerjournal.core.words import (
    BOUNDARY_WHAT_WORDS,
    DUAL_RELATIONSHIP_WORDS,
    SUPERVISION_FORMAT_WORDS,
    words_for,
)

MARKDOWN_KINDS: tuple[str, ...] = (
    "session",
    "reflection",
    "checkin",
    "follow_up",
    "confidentiality_event",
    "debrief",
    "supervision",
    "boundary_event",
)
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_SESSION_TEXT_TITLES = {
    "goal_focus": "Goal focus (in their words)",
    "support_offered": "Support offered",
    "response": "Their response",
    "strengths": "Strengths noticed",
    "their_words": "Their words",
    "next_steps": "Next steps",
    "referrals": "Referrals",
    "notes": "Notes",
}
SESSION_TEXT_FIELDS: tuple[tuple[str, str], ...] = tuple(
    (name, _SESSION_TEXT_TITLES[name]) for name in Session.TEXT_FIELDS
)
_PAGE = 500
_HEADING = re.compile(r"^(#{1,6})(?=\s)")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class EntryFilter:
    """Which entries an export holds; every field narrows it, None means no limit."""

    since: date | None = None
    until: date | None = None
    alias_id: str | None = None
    tag: str | None = None
    kinds: tuple[str, ...] = MARKDOWN_KINDS

    @property
    def narrows(self) -> bool:
        return any(
            value is not None for value in (self.since, self.until, self.alias_id, self.tag)
        ) or set(self.kinds) != set(MARKDOWN_KINDS)


def select_entries(journal: Journal, filters: EntryFilter) -> list[tuple[str, str]]:
    """(id, kind) of every entry the filters let through, oldest first, page by page."""
    found: list[tuple[str, str]] = []
    before: Cursor | None = None
    while True:
        page = journal.timeline(
            limit=_PAGE,
            before=before,
            kinds=filters.kinds,
            alias_id=filters.alias_id,
            tag=filters.tag,
            since=filters.since,
            until=filters.until,
        )
        found.extend((item.id, item.kind) for item in page.items)
        if page.next_cursor is None:
            break
        before = page.next_cursor
    found.reverse()
    return found


# --------------------------------------------------------------------------------------------
# Rendering one entry


def _same(text: str) -> str:
    return text


@dataclass
class RenderContext:
    """How entries are shown: names for aliases and sessions, and a transform for free text."""

    alias_label: Callable[[str | None], str | None]
    session_ref: Callable[[str | None], str | None]
    text: Callable[[str], str] = _same
    precise_times: bool = True
    when: Callable[[str], str] | None = None  # how a record's time is shown, if not as written
    omit: frozenset[str] = frozenset()  # fields left out (the digest leaves out their words)
    # Any entry by id, as one line ("reflection of 2026-11-02: After River"); None when it is
    # gone or not to be shown. A supervision lists what was brought with it.
    entry_ref: Callable[[str | None], str | None] = lambda _: None


def journal_context(journal: Journal) -> RenderContext:
    """Real pseudonyms and session references, for the user's own export."""
    names = journal.alias_names()
    sessions: dict[str, Session | None] = {}

    def alias_label(alias_id: str | None) -> str | None:
        return names.get(alias_id) if alias_id else None

    def session_ref(session_id: str | None) -> str | None:
        if not session_id:
            return None
        if session_id not in sessions:
            try:
                sessions[session_id] = journal.get(Session, session_id)
            except NotFound:
                sessions[session_id] = None
        session = sessions[session_id]
        if session is None:
            return None
        who = alias_label(session.alias_id)
        return f"session of {show_time(session.occurred_at)}" + (f" with {who}" if who else "")

    def entry_ref(entry_id: str | None) -> str | None:
        if not entry_id:
            return None
        found = journal.summarise([entry_id]).get(entry_id)
        if found is None:
            return None
        kind = journal.get_entry(entry_id).KIND
        return f"{words_for(kind).singular} of {show_time(found.when)}: {found.title}"

    return RenderContext(alias_label, session_ref, entry_ref=entry_ref)


def show_time(value: str, *, precise: bool = True) -> str:
    """'2026-11-20T14:00:00+01:00' -> '2026-11-20 14:00' (or just the date)."""
    if len(value) <= 10 or not precise:
        return value[:10]
    return f"{value[:10]} {value[11:16]}"


def demote_headings(text: str, level: int) -> str:
    """Move Markdown headings in `text` so the highest one sits at `level` (never higher).

    Lines inside fenced code blocks are left alone.
    """
    lines = text.split("\n")
    inside_fence = False
    levels: list[int] = []
    for line in lines:
        if _FENCE.match(line):
            inside_fence = not inside_fence
        elif not inside_fence and (match := _HEADING.match(line)):
            levels.append(len(match.group(1)))
    if not levels or min(levels) >= level:
        return text
    shift = level - min(levels)
    inside_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            inside_fence = not inside_fence
        elif not inside_fence and (match := _HEADING.match(line)):
            depth = min(6, len(match.group(1)) + shift)
            lines[index] = "#" * depth + line[len(match.group(1)) :]
    return "\n".join(lines)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _words(value: str) -> str:
    return value.replace("_", " ")


class _Entry:
    """Accumulates one entry's lines: heading, facts as a list, then text sections."""

    def __init__(self, level: int, ctx: RenderContext) -> None:
        self.level = level
        self.ctx = ctx
        self.lines: list[str] = []
        self.facts: list[str] = []
        self.sections: list[str] = []

    def heading(self, when: str, label: str, *, alias: str | None = None, title: str = "") -> None:
        """'2026-11-20 14:00 · Session with River', '2026-11-20 · Reflection: Boundaries'.

        Free text comes after "with" or a colon, where the identifier nudges read it as they
        read it in the entry itself (a title is not mistaken for a name mid-sentence).
        """
        text = f"{when} · {label}"
        if alias:
            text += f" with {alias}"
        if title:
            text += f": {title}"
        self.lines.append(f"{'#' * self.level} {text}")

    def fact(self, text: str | None) -> None:
        if text:
            self.facts.append(f"- {text}")

    def tags(self, tags: list[str]) -> None:
        if tags:
            self.fact("Tags: " + ", ".join(self.ctx.text(tag) for tag in tags))

    def section(self, title: str | None, text: str) -> None:
        if not text.strip():
            return
        body = demote_headings(self.ctx.text(text).strip("\n"), min(6, self.level + 1))
        if title:
            self.sections.append(f"{'#' * min(6, self.level + 1)} {title}\n\n{body}")
        else:
            self.sections.append(body)

    def render(self) -> str:
        blocks = ["\n".join(self.lines)]
        if self.facts:
            blocks.append("\n".join(self.facts))
        blocks.extend(self.sections)
        return "\n\n".join(blocks) + "\n"


def _when(value: str, ctx: RenderContext) -> str:
    if ctx.when is not None:
        return ctx.when(value)
    return show_time(value, precise=ctx.precise_times)


def _render_session(s: Session, entry: _Entry, label: str) -> None:
    ctx = entry.ctx
    entry.heading(_when(s.occurred_at, ctx), label, alias=ctx.alias_label(s.alias_id))
    shape = [s.modality, _words(s.method)] + ([] if "setting" in ctx.omit else [s.setting])
    if s.duration_min:
        shape.append(f"{s.duration_min} min")
    entry.fact(" · ".join(shape).capitalize())
    if s.safety_flag != "none":
        entry.fact("Safety: " + _words(s.safety_flag))
    shared = [
        text
        for flag, text in (
            (s.shared_my_story, "I shared my own story"),
            (s.reviewed_with_person, "reviewed with the person"),
            (s.stayed_with_me, "this stayed with me"),
        )
        if flag
    ]
    entry.fact("; ".join(shared).capitalize() if shared else None)
    entry.tags(s.tags)
    for name, title in SESSION_TEXT_FIELDS:
        if name not in ctx.omit:
            entry.section(title, getattr(s, name))


def _render_reflection(r: Reflection, entry: _Entry, label: str) -> None:
    ctx = entry.ctx
    template = REFLECTION_TEMPLATES[r.template][0]
    entry.heading(_when(r.occurred_on, ctx), label, title=ctx.text(r.title) or template)
    entry.fact(template + (" · for supervision" if r.for_supervision else ""))
    linked = ctx.session_ref(r.session_id)
    entry.fact(f"About the {linked}" if linked else None)
    entry.tags(r.tags)
    entry.section(None, r.body)


def _render_checkin(c: CheckIn, entry: _Entry, label: str) -> None:
    entry.heading(_when(c.at, entry.ctx), label)
    entry.fact(f"Mood {c.mood}/5 · energy {c.energy}/5 · stress {c.stress}/5")
    entry.section("Self-care", c.self_care)


def _render_follow_up(f: FollowUp, entry: _Entry, label: str) -> None:
    ctx = entry.ctx
    entry.heading(f.due_on, f"{label} (due)", alias=ctx.alias_label(f.alias_id))
    status = f.status + (f" ({_when(f.done_at, ctx)})" if f.done_at else "")
    entry.fact(f"Owner: {f.owner} · status: {status}")
    linked = ctx.session_ref(f.session_id)
    entry.fact(f"From the {linked}" if linked else None)
    agreed = ctx.entry_ref(f.supervision_id)
    entry.fact(f"Agreed in the {agreed}" if agreed else None)
    entry.section(None, f.action)


def _render_supervision(s: Supervision, entry: _Entry, label: str) -> None:
    ctx = entry.ctx
    entry.heading(_when(s.occurred_on, ctx), label)
    shape = SUPERVISION_FORMAT_WORDS.get(s.format, s.format).capitalize()
    entry.fact(shape + (f" · with {ctx.text(s.supervisor_role)}" if s.supervisor_role else ""))
    entry.fact(f"Next supervision: {s.next_on}" if s.next_on else None)
    brought = [ref for ref in (ctx.entry_ref(item) for item in s.items) if ref]
    if brought:
        entry.section("Brought", "\n".join(f"- {ctx.text(ref)}" for ref in brought))
    entry.section("Notes", s.notes)


EVENT_CHOICE_WORDS: dict[str, dict[str, str]] = {
    "person_involvement": {
        "told_before": "told before it was shared",
        "told_after": "told after it was shared",
        "told": "told (when not recorded)",
        "not_told": "not told",
    },
    "official_record": {"yes": "yes", "no": "no", "not_applicable": "not applicable"},
}
# Titles of an event's text sections; a concern's outcome is what was decided.
EVENT_TEXT_TITLES: dict[str, str] = {
    "notes": "What happened",
    "disclosed_minimum": "What was shared (the minimum)",
    "reason": "Why",
    "person_involvement_note": "Their involvement",
    "outcome": "Outcome",
    "how_it_landed": "How this landed on me",
}


def _render_confidentiality(e: ConfidentialityEvent, entry: _Entry, label: str) -> None:
    ctx = entry.ctx
    if e.occasion == "concern" and label == _LABELS[e.KIND]:
        label = "Concern: consultation"
    entry.heading(_when(e.at, ctx), label, alias=ctx.alias_label(e.alias_id))
    entry.fact("Category: " + _words(e.category))
    entry.fact(f"Limits explained beforehand: {_yes_no(e.limits_explained_before)}")
    entry.fact(f"Consulted: {ctx.text(e.consulted_role)}" if e.consulted_role else None)
    entry.fact(f"Shared with: {ctx.text(e.disclosed_to)}" if e.disclosed_to else None)
    if e.person_involvement:
        entry.fact(
            "The person was " + EVENT_CHOICE_WORDS["person_involvement"][e.person_involvement]
        )
    if e.official_record:
        words = EVENT_CHOICE_WORDS["official_record"][e.official_record]
        entry.fact(f"Recorded in the organisation's system: {words}")
    entry.fact("For supervision" if e.for_supervision else None)
    linked = ctx.session_ref(e.session_id)
    entry.fact(f"During the {linked}" if linked else None)
    for name in ConfidentialityEvent.TEXT_FIELDS:
        title = EVENT_TEXT_TITLES[name]
        if name == "outcome" and e.occasion == "concern":
            title = "What we decided"
        entry.section(title, getattr(e, name))


# Titles of a debrief's text, in its fields' order (the form and the entry view use them too).
DEBRIEF_TEXT_TITLES: dict[str, str] = {
    "mine": "What is mine",
    "theirs": "What is theirs",
    "talk_to": "Who I will talk to",
    "tonight": "One thing for myself tonight",
}


def _render_debrief(d: Debrief, entry: _Entry, label: str) -> None:
    ctx = entry.ctx
    entry.heading(_when(d.at, ctx), label)
    entry.fact(
        f"Activation: {d.activation}/10" if d.activation is not None else "Activation: not noted"
    )
    linked = ctx.session_ref(d.session_id)
    entry.fact(f"After the {linked}" if linked else None)
    entry.fact("After a confidentiality event" if d.event_id and not linked else None)
    for name in Debrief.TEXT_FIELDS:
        text = getattr(d, name)
        if name == "talk_to" and text and d.talk_by:
            text = f"{text} (by {d.talk_by})"
        entry.section(DEBRIEF_TEXT_TITLES[name], text)


# Titles of a boundary event's text sections (BoundaryEvent.TEXT_FIELDS).
BOUNDARY_TEXT_TITLES: dict[str, str] = {
    "response": "What I did",
    "how_it_sat": "How it sat with me",
}


def _render_boundary(b: BoundaryEvent, entry: _Entry, label: str) -> None:
    ctx = entry.ctx
    entry.heading(_when(b.occurred_on, ctx), label, alias=ctx.alias_label(b.alias_id))
    entry.fact("What: " + BOUNDARY_WHAT_WORDS[b.what])
    entry.fact("For supervision" if b.for_supervision else None)
    for name in BoundaryEvent.TEXT_FIELDS:
        entry.section(BOUNDARY_TEXT_TITLES[name], getattr(b, name))


_LABELS = {
    "session": "Session",
    "reflection": "Reflection",
    "checkin": "Check-in",
    "follow_up": "Follow-up",
    "confidentiality_event": "Confidentiality event",
    "debrief": "Debrief",
    "supervision": "Supervision",
    "boundary_event": "Boundary event",
}


def render_entry(record: Record, ctx: RenderContext, *, level: int, label: str = "") -> str:
    """One entry as Markdown, its heading at `level`; `label` replaces the kind's name."""
    entry = _Entry(level, ctx)
    label = label or _LABELS[record.KIND]
    if isinstance(record, Session):
        _render_session(record, entry, label)
    elif isinstance(record, Reflection):
        _render_reflection(record, entry, label)
    elif isinstance(record, CheckIn):
        _render_checkin(record, entry, label)
    elif isinstance(record, FollowUp):
        _render_follow_up(record, entry, label)
    elif isinstance(record, ConfidentialityEvent):
        _render_confidentiality(record, entry, label)
    elif isinstance(record, Debrief):
        _render_debrief(record, entry, label)
    elif isinstance(record, Supervision):
        _render_supervision(record, entry, label)
    elif isinstance(record, BoundaryEvent):
        _render_boundary(record, entry, label)
    else:
        raise TypeError(f"no Markdown for {record.KIND}")
    return entry.render()


def render_alias(alias: Alias, *, level: int) -> str:
    entry = _Entry(level, RenderContext(lambda _: None, lambda _: None))
    entry.lines.append(f"{'#' * level} {alias.pseudonym}")
    entry.fact(
        f"Status: {alias.status}"
        + (" · knows me outside work" if alias.knows_me_outside_work else "")
    )
    entry.fact("Themes: " + ", ".join(alias.themes) if alias.themes else None)
    entry.fact("Also known as: " + ", ".join(alias.also_known_as) if alias.also_known_as else None)
    if alias.limits_explained_on:
        entry.fact(f"Limits of confidentiality explained on {alias.limits_explained_on}")
    entry.section("What the explanation covered", alias.limits_explained_note)
    if alias.dual_relationships:
        kinds = ", ".join(DUAL_RELATIONSHIP_WORDS[kind] for kind in alias.dual_relationships)
        entry.fact("Dual relationship: " + kinds)
    entry.fact(
        f"Plan discussed in supervision on {alias.dual_discussed_on}"
        if alias.dual_discussed_on
        else None
    )
    entry.fact(f"Plan to be reviewed on {alias.dual_review_on}" if alias.dual_review_on else None)
    entry.section("Dual relationship plan", alias.dual_plan)
    entry.section("Consent", alias.consent_note)
    entry.section("Notes", alias.notes)
    return entry.render()


# --------------------------------------------------------------------------------------------
# Whole exports


@dataclass
class MarkdownExport:
    """A rendered export: one document, or one file per entry (plus aliases.md)."""

    document: str
    files: list[tuple[str, str]] = field(default_factory=list)
    entries: int = 0


def _records(journal: Journal, selected: list[tuple[str, str]]) -> Iterator[Record]:
    for entry_id, _ in selected:
        try:
            yield journal.get_entry(entry_id)
        except NotFound:
            continue  # deleted while the export ran


def _record_time(record: Record) -> str:
    value: str = getattr(record, record.TIME_FIELD)
    return value


def describe_filters(filters: EntryFilter, alias_name: str | None) -> str:
    parts = []
    if filters.since:
        parts.append(f"since {filters.since.isoformat()}")
    if filters.until:
        parts.append(f"until {filters.until.isoformat()}")
    if alias_name:
        parts.append(f"alias {alias_name}")
    if filters.tag:
        parts.append(f"tag {filters.tag}")
    if set(filters.kinds) != set(MARKDOWN_KINDS):
        parts.append("kinds " + ", ".join(_LABELS[kind].lower() for kind in filters.kinds))
    return "; ".join(parts)


def _aliases_for(journal: Journal, filters: EntryFilter, alias_ids: set[str]) -> list[Alias]:
    if not filters.narrows:
        return journal.list_aliases()
    return [alias for alias in journal.list_aliases() if alias.id in alias_ids]


def _file_name(record: Record, used: set[str]) -> str:
    """Date, kind and a short id: never note text, which file listings would show."""
    stem = f"{_record_time(record)[:10]}-{record.KIND.replace('_', '-')}"
    name = f"{stem}-{record.id[:8]}.md"
    if name in used:
        name = f"{stem}-{record.id}.md"
    used.add(name)
    return name


def render_markdown(
    journal: Journal, filters: EntryFilter, *, split: bool = False
) -> MarkdownExport:
    """Render the selected entries: grouped by month in one document, or one file each."""
    ctx = journal_context(journal)
    selected = select_entries(journal, filters)
    names = journal.alias_names()
    alias_ids: set[str] = set()
    months: dict[str, list[str]] = {}
    files: list[tuple[str, str]] = []
    used: set[str] = set()
    count = 0
    for record in _records(journal, selected):
        count += 1
        alias_id = getattr(record, "alias_id", None)
        if isinstance(record, Reflection) and record.session_id:
            alias_id = _session_alias(journal, record.session_id)
        if alias_id:
            alias_ids.add(alias_id)
        if split:
            files.append((_file_name(record, used), render_entry(record, ctx, level=1)))
        else:
            stamp = _record_time(record)
            month = f"{MONTH_NAMES[int(stamp[5:7]) - 1]} {stamp[:4]}"
            months.setdefault(month, []).append(render_entry(record, ctx, level=3))
    aliases = _aliases_for(journal, filters, alias_ids)
    alias_blocks = [render_alias(alias, level=3 if not split else 2) for alias in aliases]
    exported = datetime.now().astimezone().isoformat(timespec="minutes").replace("T", " ")
    described = describe_filters(filters, names.get(filters.alias_id or ""))
    intro = f"Exported {exported[:16]} · {count} entr{'y' if count == 1 else 'ies'}"
    if described:
        intro += f" · {described}"
    if split:
        if alias_blocks:
            files.append(("aliases.md", "# Aliases\n\n" + "\n".join(alias_blocks)))
        return MarkdownExport("", files, count)
    blocks = ["# peerjournal export\n", intro + "\n"]
    if not months:
        blocks.append("No entries match.\n")
    for month, rendered in months.items():
        blocks.append(f"## {month}\n")
        blocks.extend(rendered)
    if alias_blocks:
        blocks.append("## Aliases\n")
        blocks.extend(alias_blocks)
    return MarkdownExport("\n".join(blocks), [], count)


def _session_alias(journal: Journal, session_id: str) -> str | None:
    try:
        return journal.get(Session, session_id).alias_id
    except NotFound:
        return None
