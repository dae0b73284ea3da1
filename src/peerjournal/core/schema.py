"""The database schema and its migrations, versioned with PRAGMA user_version.

Besides one table per record kind, two derived structures are kept in sync by triggers so no
code path can forget them:

- `entries`: one row per dated record (kind, time, alias) with an integer rowid; the timeline
  pages through it with an index on (sort_ts, rowid), never loading all rows.
- `entries_fts`: an FTS5 index whose rowid is the `entries` rowid, so a deletion is a lookup
  by rowid and not a scan.

A third, `change_counter` (version 2), counts writes to records, for automatic backups.
Version 3 copies each entry's time and rowid into `tags`, so a tag filter pages through an
index in time order, and rewrites the FTS row of an updated record only when its text changed.
Version 4 sizes the search index's leaves to fit SQLCipher's pages. Version 5 gives each entry
a summary (what the timeline shows of it), held in the time index too. The wellbeing
indexes cover the weekly sums of check-ins and sessions. Supervision (issue 18) adds its table,
`supervision_items` (which records each supervision brought, kept by triggers) and partial
indexes of the records marked for supervision.
"""

from __future__ import annotations

from typing import Any

import sqlcipher3

from peerjournal.core.errors import JournalError

Connection = Any


def _session_text(row: str) -> str:
    # Frozen with the migrations that use it, not Session.TEXT_FIELDS: a migration must build
    # the schema as it was. A new text field gets a migration of its own.
    fields = (
        "goal_focus",
        "support_offered",
        "response",
        "strengths",
        "their_words",
        "next_steps",
        "referrals",
        "notes",
    )
    return " || char(10) || ".join(f"{row}.{name}" for name in fields)


def _entry_triggers(table: str, kind: str, alias_expr: str, title_expr: str, body_expr: str) -> str:
    """Triggers that mirror `table` into `entries` and `entries_fts`."""
    rowid_of = "(SELECT rowid FROM entries WHERE id = {row}.id)"
    return f"""
CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN
  INSERT INTO entries(id, kind, sort_ts, alias_id)
    VALUES (NEW.id, '{kind}', NEW.sort_ts, {alias_expr.format(row="NEW")});
  INSERT INTO entries_fts(rowid, title, body)
    VALUES ({rowid_of.format(row="NEW")}, {title_expr.format(row="NEW")},
            {body_expr.format(row="NEW")});
END;
CREATE TRIGGER {table}_au AFTER UPDATE ON {table} BEGIN
  UPDATE entries SET sort_ts = NEW.sort_ts, alias_id = {alias_expr.format(row="NEW")}
    WHERE id = NEW.id;
  DELETE FROM entries_fts WHERE rowid = {rowid_of.format(row="OLD")};
  INSERT INTO entries_fts(rowid, title, body)
    VALUES ({rowid_of.format(row="NEW")}, {title_expr.format(row="NEW")},
            {body_expr.format(row="NEW")});
END;
CREATE TRIGGER {table}_ad AFTER DELETE ON {table} BEGIN
  DELETE FROM entries_fts WHERE rowid = {rowid_of.format(row="OLD")};
  DELETE FROM entries WHERE id = OLD.id;
  DELETE FROM tags WHERE entry_id = OLD.id;
END;
"""


# Every dated record table: (table, kind, alias expression, FTS title expression, FTS body
# expression), where {row} stands for NEW or OLD.
_ENTRY_TABLES: tuple[tuple[str, str, str, str, str], ...] = (
    ("sessions", "session", "{row}.alias_id", "''", _session_text("{row}")),
    (
        "reflections",
        "reflection",
        "(SELECT alias_id FROM sessions WHERE id = {row}.session_id)",
        "{row}.title",
        "{row}.body",
    ),
    ("checkins", "checkin", "NULL", "''", "{row}.self_care"),
    ("follow_ups", "follow_up", "{row}.alias_id", "''", "{row}.action"),
    (
        "confidentiality_events",
        "confidentiality_event",
        "{row}.alias_id",
        "{row}.consulted_role",
        "{row}.disclosed_minimum || char(10) || {row}.notes",
    ),
)


_V1 = (
    """
CREATE TABLE aliases (
  id TEXT PRIMARY KEY,
  pseudonym TEXT NOT NULL UNIQUE COLLATE NOCASE,
  status TEXT NOT NULL DEFAULT 'active',
  themes TEXT NOT NULL DEFAULT '[]',
  knows_me_outside_work INTEGER NOT NULL DEFAULT 0,
  consent_note TEXT NOT NULL DEFAULT '',
  limits_explained_on TEXT,
  notes TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  alias_id TEXT REFERENCES aliases(id) ON DELETE SET NULL,
  occurred_at TEXT NOT NULL,
  sort_ts INTEGER NOT NULL,
  duration_min INTEGER,
  modality TEXT NOT NULL,
  method TEXT NOT NULL,
  setting TEXT NOT NULL,
  goal_focus TEXT NOT NULL DEFAULT '',
  support_offered TEXT NOT NULL DEFAULT '',
  response TEXT NOT NULL DEFAULT '',
  strengths TEXT NOT NULL DEFAULT '',
  their_words TEXT NOT NULL DEFAULT '',
  next_steps TEXT NOT NULL DEFAULT '',
  referrals TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  shared_my_story INTEGER NOT NULL DEFAULT 0,
  reviewed_with_person INTEGER NOT NULL DEFAULT 0,
  safety_flag TEXT NOT NULL DEFAULT 'none',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX sessions_by_alias ON sessions(alias_id, sort_ts);
CREATE TABLE reflections (
  id TEXT PRIMARY KEY,
  occurred_on TEXT NOT NULL,
  sort_ts INTEGER NOT NULL,
  template TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  session_id TEXT REFERENCES sessions(id) ON DELETE SET NULL,
  for_supervision INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX reflections_by_session ON reflections(session_id);
CREATE TABLE follow_ups (
  id TEXT PRIMARY KEY,
  alias_id TEXT REFERENCES aliases(id) ON DELETE SET NULL,
  session_id TEXT REFERENCES sessions(id) ON DELETE SET NULL,
  due_on TEXT NOT NULL,
  sort_ts INTEGER NOT NULL,
  action TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL DEFAULT 'me',
  status TEXT NOT NULL DEFAULT 'open',
  done_at TEXT
);
CREATE INDEX follow_ups_due ON follow_ups(status, due_on);
CREATE INDEX follow_ups_by_alias ON follow_ups(alias_id);
CREATE INDEX follow_ups_by_session ON follow_ups(session_id);
CREATE TABLE checkins (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  sort_ts INTEGER NOT NULL,
  mood INTEGER NOT NULL,
  energy INTEGER NOT NULL,
  stress INTEGER NOT NULL,
  self_care TEXT NOT NULL DEFAULT ''
);
CREATE TABLE confidentiality_events (
  id TEXT PRIMARY KEY,
  session_id TEXT REFERENCES sessions(id) ON DELETE SET NULL,
  alias_id TEXT REFERENCES aliases(id) ON DELETE SET NULL,
  at TEXT NOT NULL,
  sort_ts INTEGER NOT NULL,
  category TEXT NOT NULL,
  limits_explained_before INTEGER NOT NULL DEFAULT 0,
  consulted_role TEXT NOT NULL DEFAULT '',
  disclosed_minimum TEXT NOT NULL DEFAULT '',
  person_told INTEGER NOT NULL DEFAULT 0,
  notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX confidentiality_by_session ON confidentiality_events(session_id);
CREATE INDEX confidentiality_by_alias ON confidentiality_events(alias_id);
CREATE TABLE tags (
  entry_id TEXT NOT NULL,
  tag TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (tag, entry_id)
) WITHOUT ROWID;
CREATE INDEX tags_by_entry ON tags(entry_id, position);
CREATE TABLE entries (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  sort_ts INTEGER NOT NULL,
  alias_id TEXT
);
CREATE INDEX entries_by_time ON entries(sort_ts, rowid);
CREATE INDEX entries_by_kind ON entries(kind, sort_ts, rowid);
CREATE INDEX entries_by_alias ON entries(alias_id, sort_ts, rowid);
CREATE VIRTUAL TABLE entries_fts USING fts5(
  title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
-- secure_delete does not reach FTS5's own segments: without this, the words of deleted or
-- edited notes would stay in the (encrypted) index until the next merge.
INSERT INTO entries_fts(entries_fts, rank) VALUES ('secure-delete', 1);
CREATE TABLE drafts (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
"""
    + "".join(_entry_triggers(*table) for table in _ENTRY_TABLES)
    + """
CREATE TRIGGER sessions_alias_to_reflections AFTER UPDATE OF alias_id ON sessions BEGIN
  UPDATE entries SET alias_id = NEW.alias_id
    WHERE id IN (SELECT id FROM reflections WHERE session_id = NEW.id);
END;
CREATE TRIGGER sessions_delete_unlinks_reflections AFTER DELETE ON sessions BEGIN
  UPDATE entries SET alias_id = NULL
    WHERE id IN (SELECT id FROM reflections WHERE session_id = OLD.id);
END;
"""
)

# Version 2: a change counter that every write to a record bumps, so "has anything changed
# since the last automatic backup?" is one read instead of a scan. Drafts and settings are
# left out on purpose: locking saves open forms as drafts, and that alone is no reason to
# take a backup.
COUNTED_TABLES = (
    "aliases",
    "sessions",
    "reflections",
    "follow_ups",
    "checkins",
    "confidentiality_events",
)
_COUNTER_TRIGGERS = "".join(
    f"CREATE TRIGGER {table}_count_{op.lower()} AFTER {op} ON {table} BEGIN\n"
    "  UPDATE change_counter SET value = value + 1 WHERE id = 1;\nEND;\n"
    for table in COUNTED_TABLES
    for op in ("INSERT", "UPDATE", "DELETE")
)
_V2 = (
    """
CREATE TABLE change_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);
"""
    + _COUNTER_TRIGGERS
)


def _update_triggers(
    table: str, kind: str, alias_expr: str, title_expr: str, body_expr: str
) -> str:
    """Version 3's update triggers for `table`: `entries` and `tags` follow every update, but
    the FTS row is rewritten only when the indexed text changed. With secure-delete on, that
    rewrite touches every doclist of every word in the note, so a changed flag, duration or
    tag list no longer pays for it."""
    del kind  # the kind of a row never changes
    rowid_of = "(SELECT rowid FROM entries WHERE id = {row}.id)"
    old_title, new_title = title_expr.format(row="OLD"), title_expr.format(row="NEW")
    old_body, new_body = body_expr.format(row="OLD"), body_expr.format(row="NEW")
    return f"""
DROP TRIGGER {table}_au;
CREATE TRIGGER {table}_au AFTER UPDATE ON {table} BEGIN
  UPDATE entries SET sort_ts = NEW.sort_ts, alias_id = {alias_expr.format(row="NEW")}
    WHERE id = NEW.id;
  UPDATE tags SET sort_ts = NEW.sort_ts WHERE entry_id = NEW.id AND sort_ts <> NEW.sort_ts;
END;
CREATE TRIGGER {table}_au_text AFTER UPDATE ON {table}
  WHEN ({old_title}) IS NOT ({new_title}) OR ({old_body}) IS NOT ({new_body})
BEGIN
  DELETE FROM entries_fts WHERE rowid = {rowid_of.format(row="OLD")};
  INSERT INTO entries_fts(rowid, title, body)
    VALUES ({rowid_of.format(row="NEW")}, {new_title}, {new_body});
END;
"""


# Version 3: tags carry their entry's time and rowid, so a tag filter walks the index
# (tag, sort_ts, entry_rowid) in time order and stops after one page, instead of collecting
# and sorting every entry with that tag (98 ms -> 2 ms for a tag on 23k of 100k entries);
# and an update that leaves the text alone no longer rewrites its FTS row.
_V3 = """
ALTER TABLE tags ADD COLUMN sort_ts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tags ADD COLUMN entry_rowid INTEGER NOT NULL DEFAULT 0;
UPDATE tags SET (sort_ts, entry_rowid) =
    (SELECT e.sort_ts, e.rowid FROM entries e WHERE e.id = tags.entry_id)
  WHERE entry_id IN (SELECT id FROM entries);
CREATE INDEX tags_by_time ON tags(tag, sort_ts, entry_rowid);
""" + "".join(_update_triggers(*table) for table in _ENTRY_TABLES)

# Version 4: search-index leaves that fit in one page of the encrypted file. FTS5 writes its
# index in leaves of up to `pgsz` bytes (4050 by default), each stored as one row. SQLCipher
# keeps 80 bytes of every 4096-byte page for the page's IV and HMAC, which leaves room for a
# row of at most 3981 bytes on its page; a 4050-byte leaf spilled most of itself onto an
# overflow page, so every leaf read or rewritten (secure-delete rewrites one for each word of a
# deleted or edited note) cost two pages to decrypt or encrypt instead of one. Only leaves
# written from now on use the new size: a `rebuild` of the index (15 s at 100k entries) made
# each later delete 1.6-1.8x slower.
FTS_LEAF_BYTES = 3968  # + 4 bytes of record header + FTS5's few bytes of overshoot <= 3981
_V4 = f"INSERT INTO entries_fts(entries_fts, rank) VALUES ('pgsz', {FTS_LEAF_BYTES});"

# Version 5: each entry carries what the timeline shows of it, and the time index carries that
# too, so a page of the timeline is a walk along one index: about 20 pages read, where
# fetching 60 entries from their own tables read about 300 (their rows hold whole notes, and
# rows written in another order than their dates sit on pages far apart). On a fresh
# connection each of those pages costs a decryption, so this is what makes the first page
# after unlock fast, and it spares a cold disk the same reads.
#
# `entries.summary` is a JSON array: the entry's time, the fields its title is made of, and the
# start of its text (SUMMARY_TEXT_CHARS characters, before whitespace is folded into one line).
# `journal._summarise` turns it into (when, title, preview), so the wording stays in Python.
SUMMARY_TEXT_CHARS = 480  # frozen with this migration; journal.PREVIEW_CHARS is at most half

# Per table: the fields the title is made of (the first is the time), and the text to preview.
_SUMMARIES: dict[str, tuple[tuple[str, ...], str]] = {
    "sessions": (
        ("occurred_at", "duration_min", "modality", "method", "safety_flag"),
        "coalesce(nullif({row}.goal_focus, ''), nullif({row}.notes, ''), {row}.support_offered)",
    ),
    "reflections": (("occurred_on", "template", "title", "for_supervision"), "{row}.body"),
    "checkins": (("at", "mood", "energy", "stress"), "{row}.self_care"),
    "follow_ups": (("due_on", "owner", "status"), "{row}.action"),
    "confidentiality_events": (("at", "category"), "{row}.disclosed_minimum"),
}


def _summary(table: str, row: str) -> str:
    """SQL for the summary of `row` (NEW, or a table's name) of `table`."""
    fields, text = _SUMMARIES[table]
    columns = ", ".join(f"{row}.{name}" for name in fields)
    return f"json_array({columns}, substr({text.format(row=row)}, 1, {SUMMARY_TEXT_CHARS}))"


def _summaries_for(table: str, kind: str, alias_expr: str, title_expr: str, body_expr: str) -> str:
    """Version 5 for `table`: fill its entries' summaries, and replace its insert and update
    triggers with ones that also write the summary. (`<table>_au_text`, from version 3, still
    rewrites the FTS row when the text changed; `<table>_ad` deletes the whole entry.)"""
    rowid_of = "(SELECT rowid FROM entries WHERE id = NEW.id)"
    alias, summary = alias_expr.format(row="NEW"), _summary(table, "NEW")
    return f"""
UPDATE entries SET summary = (SELECT {_summary(table, table)} FROM {table}
    WHERE {table}.id = entries.id) WHERE kind = '{kind}';
DROP TRIGGER {table}_ai;
CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN
  INSERT INTO entries(id, kind, sort_ts, alias_id, summary)
    VALUES (NEW.id, '{kind}', NEW.sort_ts, {alias}, {summary});
  INSERT INTO entries_fts(rowid, title, body)
    VALUES ({rowid_of}, {title_expr.format(row="NEW")}, {body_expr.format(row="NEW")});
END;
DROP TRIGGER {table}_au;
CREATE TRIGGER {table}_au AFTER UPDATE ON {table} BEGIN
  UPDATE entries SET sort_ts = NEW.sort_ts, alias_id = {alias}, summary = {summary}
    WHERE id = NEW.id;
  UPDATE tags SET sort_ts = NEW.sort_ts WHERE entry_id = NEW.id AND sort_ts <> NEW.sort_ts;
END;
"""


_V5 = (
    """
ALTER TABLE entries ADD COLUMN summary TEXT NOT NULL DEFAULT '[]';
"""
    + "".join(_summaries_for(*table) for table in _ENTRY_TABLES)
    + """
DROP INDEX entries_by_time;
CREATE INDEX entries_by_time ON entries(sort_ts, rowid, kind, id, alias_id, summary);
-- The names on a page of the timeline, without reading the aliases' rows (and their notes).
CREATE INDEX aliases_names ON aliases(id, pseudonym);
"""
)

# Version 6 (issue 14): confidentiality events that are complete and findable, and what an
# alias adds for the digest. Events gain the fields of export format version 2; `person_told`
# (a checkbox that was false until ticked, so false never meant "decided not to tell") becomes
# `person_involvement`: 'told' (when not recorded) or '' (not recorded). An event's search
# title now holds its occasion and category as words ("limits reached", "risk to self") besides
# the roles, and its body every text field; its summary says which occasion it was.
_EVENT_TITLE = (
    "'confidentiality ' || replace({row}.occasion, '_', ' ') || ' ' || "
    "replace({row}.category, '_', ' ') || char(10) || {row}.consulted_role || char(10) || "
    "{row}.disclosed_to"
)
_EVENT_BODY = " || char(10) || ".join(
    f"{{row}}.{name}"
    for name in (
        "notes",
        "disclosed_minimum",
        "reason",
        "person_involvement_note",
        "outcome",
        "how_it_landed",
    )
)
_EVENT_SUMMARY = (
    "json_array({row}.at, {row}.category, {row}.occasion, substr(coalesce(nullif({row}.notes, "
    f"''), nullif({{row}}.outcome, ''), {{row}}.disclosed_minimum), 1, {SUMMARY_TEXT_CHARS}))"
)
_V6_CONFIDENTIALITY = f"""
ALTER TABLE aliases ADD COLUMN also_known_as TEXT NOT NULL DEFAULT '[]';
ALTER TABLE aliases ADD COLUMN limits_explained_note TEXT NOT NULL DEFAULT '';
ALTER TABLE confidentiality_events ADD COLUMN occasion TEXT NOT NULL DEFAULT 'limits_reached';
ALTER TABLE confidentiality_events ADD COLUMN disclosed_to TEXT NOT NULL DEFAULT '';
ALTER TABLE confidentiality_events ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE confidentiality_events ADD COLUMN person_involvement TEXT NOT NULL DEFAULT '';
ALTER TABLE confidentiality_events ADD COLUMN person_involvement_note TEXT NOT NULL DEFAULT '';
ALTER TABLE confidentiality_events ADD COLUMN official_record TEXT NOT NULL DEFAULT '';
ALTER TABLE confidentiality_events ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE confidentiality_events ADD COLUMN how_it_landed TEXT NOT NULL DEFAULT '';
ALTER TABLE confidentiality_events ADD COLUMN for_supervision INTEGER NOT NULL DEFAULT 0;
UPDATE confidentiality_events SET person_involvement = 'told' WHERE person_told = 1;
ALTER TABLE confidentiality_events DROP COLUMN person_told;
DROP TRIGGER confidentiality_events_ai;
CREATE TRIGGER confidentiality_events_ai AFTER INSERT ON confidentiality_events BEGIN
  INSERT INTO entries(id, kind, sort_ts, alias_id, summary)
    VALUES (NEW.id, 'confidentiality_event', NEW.sort_ts, NEW.alias_id,
            {_EVENT_SUMMARY.format(row="NEW")});
  INSERT INTO entries_fts(rowid, title, body)
    VALUES ((SELECT rowid FROM entries WHERE id = NEW.id), {_EVENT_TITLE.format(row="NEW")},
            {_EVENT_BODY.format(row="NEW")});
END;
DROP TRIGGER confidentiality_events_au;
CREATE TRIGGER confidentiality_events_au AFTER UPDATE ON confidentiality_events BEGIN
  UPDATE entries SET sort_ts = NEW.sort_ts, alias_id = NEW.alias_id,
      summary = {_EVENT_SUMMARY.format(row="NEW")}
    WHERE id = NEW.id;
  UPDATE tags SET sort_ts = NEW.sort_ts WHERE entry_id = NEW.id AND sort_ts <> NEW.sort_ts;
END;
DROP TRIGGER confidentiality_events_au_text;
CREATE TRIGGER confidentiality_events_au_text AFTER UPDATE ON confidentiality_events
  WHEN ({_EVENT_TITLE.format(row="OLD")}) IS NOT ({_EVENT_TITLE.format(row="NEW")})
    OR ({_EVENT_BODY.format(row="OLD")}) IS NOT ({_EVENT_BODY.format(row="NEW")})
BEGIN
  DELETE FROM entries_fts WHERE rowid = (SELECT rowid FROM entries WHERE id = OLD.id);
  INSERT INTO entries_fts(rowid, title, body)
    VALUES ((SELECT rowid FROM entries WHERE id = NEW.id), {_EVENT_TITLE.format(row="NEW")},
            {_EVENT_BODY.format(row="NEW")});
END;
DELETE FROM entries_fts WHERE rowid IN
  (SELECT rowid FROM entries WHERE kind = 'confidentiality_event');
INSERT INTO entries_fts(rowid, title, body)
  SELECT e.rowid, {_EVENT_TITLE.format(row="c")}, {_EVENT_BODY.format(row="c")}
    FROM confidentiality_events c JOIN entries e ON e.id = c.id;
UPDATE entries SET summary = (SELECT {_EVENT_SUMMARY.format(row="c")}
    FROM confidentiality_events c WHERE c.id = entries.id)
  WHERE kind = 'confidentiality_event';
"""


# Wellbeing indexes: the "My wellbeing" summary adds up check-ins and sessions per week.
# Covering indexes on the record's time hold every column those sums need, so a week is one
# range of one index and no row (with its notes) is read: 52 weeks of a 100k-entry journal
# are a few thousand index entries (core/wellbeing.py, docs/benchmarks.md). Confidentiality
# events are counted from entries_by_kind (kind, sort_ts, rowid), which already covers them.
_V7_WELLBEING_INDEXES = """
CREATE INDEX checkins_by_time ON checkins(sort_ts, mood, energy, stress);
CREATE INDEX sessions_by_time
  ON sessions(sort_ts, duration_min, modality, safety_flag, shared_my_story);
"""

# A reflection sorted at the end of its day, above that day's later sessions; it now sorts at
# the time of day it was written (models.sort_key_micros). Local time, as Python's
# astimezone(): SQLite's 'localtime' and 'utc' use the same C library. The update trigger
# carries the new time to entries and tags.
_V8_REFLECTION_TIME = """
UPDATE reflections SET sort_ts = CAST(
    strftime('%s', occurred_on || ' ' || time(created_at, 'localtime'), 'utc') AS INTEGER
  ) * 1000000
  WHERE created_at <> '' AND time(created_at, 'localtime') IS NOT NULL;
"""

# Supervision (issue 18): a record kind of its own, and follow-ups that name the supervision
# whose agreed action they are. The ids of the records brought (`items`, a JSON array) are
# mirrored into `supervision_items` by triggers, so "not yet discussed" and "discussed on" are
# index lookups (record_id -> the supervisions that named it), never a scan of every
# supervision's JSON. Items are not foreign keys: a record deleted later leaves its id behind,
# unshown, and an import may name records of sections imported after this one. The partial
# indexes hold only the records marked for supervision, in time order, for the Prepare list.
# The search title holds the word "supervision", the format and the role; the body the notes.
_SUPERVISION_TITLE = "'supervision ' || {row}.format || char(10) || {row}.supervisor_role"
_SUPERVISION_BODY = "{row}.notes"
_SUPERVISION_SUMMARY = (
    "json_array({row}.occurred_on, {row}.format, {row}.supervisor_role, "
    "json_array_length({row}.items), {row}.next_on, "
    f"substr({{row}}.notes, 1, {SUMMARY_TEXT_CHARS}))"
)
_V10_SUPERVISION = f"""
CREATE TABLE supervisions (
  id TEXT PRIMARY KEY,
  occurred_on TEXT NOT NULL,
  sort_ts INTEGER NOT NULL,
  supervisor_role TEXT NOT NULL DEFAULT '',
  format TEXT NOT NULL DEFAULT 'individual',
  items TEXT NOT NULL DEFAULT '[]',
  notes TEXT NOT NULL DEFAULT '',
  next_on TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE supervision_items (
  record_id TEXT NOT NULL,
  supervision_id TEXT NOT NULL,
  occurred_on TEXT NOT NULL,
  PRIMARY KEY (record_id, supervision_id)
) WITHOUT ROWID;
CREATE INDEX supervision_items_by_supervision ON supervision_items(supervision_id);
ALTER TABLE follow_ups ADD COLUMN supervision_id TEXT
  REFERENCES supervisions(id) ON DELETE SET NULL;
CREATE INDEX follow_ups_by_supervision ON follow_ups(supervision_id);
CREATE INDEX reflections_for_supervision ON reflections(sort_ts, id) WHERE for_supervision = 1;
CREATE INDEX confidentiality_for_supervision ON confidentiality_events(sort_ts, id)
  WHERE for_supervision = 1;
CREATE TRIGGER supervisions_ai AFTER INSERT ON supervisions BEGIN
  INSERT INTO entries(id, kind, sort_ts, alias_id, summary)
    VALUES (NEW.id, 'supervision', NEW.sort_ts, NULL, {_SUPERVISION_SUMMARY.format(row="NEW")});
  INSERT INTO entries_fts(rowid, title, body)
    VALUES ((SELECT rowid FROM entries WHERE id = NEW.id), {_SUPERVISION_TITLE.format(row="NEW")},
            {_SUPERVISION_BODY.format(row="NEW")});
  INSERT OR IGNORE INTO supervision_items(record_id, supervision_id, occurred_on)
    SELECT value, NEW.id, NEW.occurred_on FROM json_each(NEW.items);
END;
CREATE TRIGGER supervisions_au AFTER UPDATE ON supervisions BEGIN
  UPDATE entries SET sort_ts = NEW.sort_ts, summary = {_SUPERVISION_SUMMARY.format(row="NEW")}
    WHERE id = NEW.id;
  DELETE FROM supervision_items WHERE supervision_id = OLD.id;
  INSERT OR IGNORE INTO supervision_items(record_id, supervision_id, occurred_on)
    SELECT value, NEW.id, NEW.occurred_on FROM json_each(NEW.items);
END;
CREATE TRIGGER supervisions_au_text AFTER UPDATE ON supervisions
  WHEN ({_SUPERVISION_TITLE.format(row="OLD")}) IS NOT ({_SUPERVISION_TITLE.format(row="NEW")})
    OR ({_SUPERVISION_BODY.format(row="OLD")}) IS NOT ({_SUPERVISION_BODY.format(row="NEW")})
BEGIN
  DELETE FROM entries_fts WHERE rowid = (SELECT rowid FROM entries WHERE id = OLD.id);
  INSERT INTO entries_fts(rowid, title, body)
    VALUES ((SELECT rowid FROM entries WHERE id = NEW.id), {_SUPERVISION_TITLE.format(row="NEW")},
            {_SUPERVISION_BODY.format(row="NEW")});
END;
CREATE TRIGGER supervisions_ad AFTER DELETE ON supervisions BEGIN
  DELETE FROM entries_fts WHERE rowid = (SELECT rowid FROM entries WHERE id = OLD.id);
  DELETE FROM entries WHERE id = OLD.id;
  DELETE FROM supervision_items WHERE supervision_id = OLD.id;
END;
""" + "".join(
    f"CREATE TRIGGER supervisions_count_{op.lower()} AFTER {op} ON supervisions BEGIN\n"
    "  UPDATE change_counter SET value = value + 1 WHERE id = 1;\nEND;\n"
    for op in ("INSERT", "UPDATE", "DELETE")
)

MIGRATIONS: tuple[str, ...] = (
    _V1,
    _V2,
    _V3,
    _V4,
    _V5,
    _V6_CONFIDENTIALITY,
    _V7_WELLBEING_INDEXES,
    _V8_REFLECTION_TIME,
    _V10_SUPERVISION,
)
LATEST_VERSION = len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    """Split a script into complete statements (trigger bodies contain semicolons)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlcipher3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise AssertionError("incomplete statement at the end of a migration")
    return statements


def migrate(conn: Connection) -> None:
    """Bring the schema to LATEST_VERSION, one transaction per migration."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > LATEST_VERSION:
        raise JournalError(
            "This journal was written by a newer version of peerjournal. Update peerjournal "
            "to open it; nothing was changed."
        )
    for version in range(current + 1, LATEST_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[version - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version:d}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
