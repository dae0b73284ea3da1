"""Promise 5, nothing committed is lost: real processes killed with SIGKILL at chosen moments.

tests/test_vault.py stops a passphrase change at five named points inside one process. These
tests go further: the real `peerjournal` command runs in a child process and gets `kill -9` in
the middle of its work, as a power cut or an impatient `kill -9` would stop it.

- import: after every kill, `check` passes (the dead process's lock does not block it) and the
  journal holds all of the import or none of it;
- passwd: after every kill, exactly one of the old and new passphrases opens the journal,
  `check` passes, and the content is what it was;
- the app, with a session form holding unsaved text: after the kill, the text is in the
  journal as an encrypted draft, and the next unlock offers it back.

Where a kill lands does not depend on the machine's speed or load. The child reports each step
of its work on a pipe and waits there (`children.report_progress`: the passphrase change's
named points, each transaction's begin and commit, every 250th record saved). An uninterrupted
run first lists the steps. Kill number i then picks step i modulo their number: on even rounds
the child is killed while it waits at that step, so the outcome is known exactly (before the
commit or the header switch: the old state; after: the new one) and both outcomes are always
seen; on odd rounds it is let go and killed a seeded-random moment later, which lands between
that step and the next (where it would wait again), inside SQLite, SQLCipher and the file
system calls that no marker can split.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from peerjournal.core.errors import WrongPassphrase
from peerjournal.core.journal import Journal
from peerjournal.core.models import Reflection, Session
from peerjournal.tui.screens.base import FormScreen
from tests.conftest import OTHER_PASSPHRASE, PASSPHRASE, TEST_POLICY
from tests.promises.children import Driver, Launch, kill_hard, run_cli
from tests.promises.state import content, content_of, fill, moment

KILLS = 50
SEED = 20261127
IMPORT_RECORDS = 2000  # sessions in the import file, plus a reflection for every tenth
PASSWD_SESSIONS = 3000  # sessions in the journal whose passphrase is changed


def counts_of(home: Path, passphrase: str = PASSPHRASE) -> dict[str, int]:
    with Journal.open(home, passphrase, policy=TEST_POLICY) as journal:
        return journal.counts()


@dataclass(frozen=True)
class Steps:
    """The steps of one uninterrupted run, and how long each took until the next."""

    names: list[str]
    seconds: list[float]

    def flip(self, decisive: Callable[[int, list[str]], bool]) -> int:
        """The first step at which the work's outcome is the new state."""
        return next(i for i in range(len(self.names)) if decisive(i, self.names))


def list_steps(fresh: Callable[[], list[str]], passphrases: list[str]) -> Steps:
    """Run the command to its end once, letting it go at every step; record the steps."""
    launch = Launch(fresh(), passphrases, marked=True)
    launch.go()
    names: list[str] = []
    times: list[float] = []
    while step := launch.next_step():
        names.append(step)
        times.append(time.monotonic())
        launch.proceed()
    assert launch.process.wait(timeout=120) == 0
    launch.close()
    times.append(time.monotonic())
    return Steps(names, [later - earlier for earlier, later in zip(times, times[1:])])


@dataclass(frozen=True)
class Kill:
    step: int  # index into Steps.names
    waiting: bool  # killed while waiting at the step, or let go and killed `delay` later
    delay: float


def plan(steps: Steps, rng: random.Random) -> list[Kill]:
    """KILLS kills: every step in turn, alternately while waiting there and a moment after."""
    count = len(steps.names)
    kills = []
    for number in range(KILLS):
        index, waiting = number % count, (number // count) % 2 == 0
        kills.append(Kill(index, waiting, rng.uniform(0, 1.2 * steps.seconds[index])))
    return kills


def kill_at(launch: Launch, kill: Kill) -> bool:
    """Let the child run to step `kill.step` and SIGKILL it there, or `kill.delay` after it;
    True if it had finished by then."""
    launch.go()
    reached = 0
    while launch.next_step():
        if reached == kill.step:
            if not kill.waiting:
                launch.proceed()
                time.sleep(kill.delay)
            break
        reached += 1
        launch.proceed()
    finished = launch.process.poll() is not None
    kill_hard(launch.process)
    launch.close()
    return finished


def check_passes(home: Path, passphrase: str) -> int:
    """`peerjournal check` in a new process: its exit code (0 when everything verifies)."""
    return run_cli("--home", str(home), "check", passphrases=[passphrase]).code


# ---------------------------------------------------------------------------------------------
# import


@pytest.fixture(scope="module")
def import_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small journal (kept pristine) and an export file of a few thousand other records."""
    folder = tmp_path_factory.mktemp("import-kill")
    pristine = folder / "pristine"
    with Journal.create(pristine, PASSPHRASE, policy=TEST_POLICY) as journal:
        fill(journal, seed="mine", sessions=40)
    source_home = folder / "source"
    with Journal.create(source_home, PASSPHRASE, policy=TEST_POLICY) as journal:
        fill(journal, seed="theirs", sessions=IMPORT_RECORDS)
        document = content(journal)
    shutil.rmtree(source_home)
    export = folder / "export.json"
    export.write_text(json.dumps({"exported_at": moment(0), **document}))
    return pristine, export


@pytest.mark.slow
def test_kill_9_during_import_leaves_all_of_it_or_none(
    import_case: tuple[Path, Path], tmp_path: Path
) -> None:
    pristine, export = import_case
    before = counts_of(pristine)
    work = tmp_path / "journal"

    def fresh() -> list[str]:
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(pristine, work)
        return ["--home", str(work), "import", str(export)]

    steps = list_steps(fresh, [PASSPHRASE])
    after = counts_of(work)
    assert after != before and sum(after.values()) >= sum(before.values()) + IMPORT_RECORDS
    # The import's own commit: the first `committed` after records were saved.
    commit = steps.flip(
        lambda i, names: names[i] == "committed" and any(n.startswith("saved") for n in names[:i])
    )

    outcomes: Counter[str] = Counter()
    for number, kill in enumerate(plan(steps, random.Random(SEED))):
        finished = kill_at(Launch(fresh(), [PASSPHRASE], marked=True), kill)
        what = f"kill {number} at {steps.names[kill.step]!r} ({kill})"
        assert (work / "lock").exists()  # the dead process's lock file is still there
        assert check_passes(work, PASSPHRASE) == 0, what
        counts = counts_of(work)
        assert counts in (before, after), f"{what}: {counts}"
        outcome = "all" if counts == after else "none"
        outcomes[outcome] += 1
        if kill.waiting or kill.step >= commit or finished:
            # Known exactly: waiting before the commit, none; from the commit on, all.
            assert outcome == ("all" if kill.step >= commit or finished else "none"), what
    print(f"import: {KILLS} kills over steps {steps.names}: {dict(outcomes)}")
    assert outcomes["all"] and outcomes["none"]


# ---------------------------------------------------------------------------------------------
# passwd


@pytest.fixture(scope="module")
def passwd_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    pristine = tmp_path_factory.mktemp("passwd-kill") / "pristine"
    with Journal.create(pristine, PASSPHRASE, policy=TEST_POLICY) as journal:
        fill(journal, seed="passwd", sessions=PASSWD_SESSIONS)
        journal.save_draft("draft", "session", {"values": {"notes": "half a thought"}})
        journal.set_setting("idle_minutes", 7)
        return pristine, content(journal)


def opens_with(home: Path, passphrase: str) -> bool:
    try:
        Journal.open(home, passphrase, policy=TEST_POLICY).close()
    except WrongPassphrase:
        return False
    return True


@pytest.mark.slow
def test_kill_9_during_passwd_leaves_exactly_one_passphrase(
    passwd_case: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    pristine, original = passwd_case
    work = tmp_path / "journal"

    def fresh() -> list[str]:
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(pristine, work)
        return ["--home", str(work), "passwd"]

    steps = list_steps(fresh, [PASSPHRASE, OTHER_PASSPHRASE])
    assert opens_with(work, OTHER_PASSPHRASE) and not opens_with(work, PASSPHRASE)
    switched = steps.flip(lambda i, names: names[i] == "header_replaced")

    outcomes: Counter[str] = Counter()
    for number, kill in enumerate(plan(steps, random.Random(SEED + 1))):
        finished = kill_at(Launch(fresh(), [PASSPHRASE, OTHER_PASSPHRASE], marked=True), kill)
        what = f"kill {number} at {steps.names[kill.step]!r} ({kill})"
        old_code = check_passes(work, PASSPHRASE)
        new_code = check_passes(work, OTHER_PASSPHRASE)
        # Exactly one opens (exit 0, everything verifies); the other is a wrong passphrase.
        assert sorted((old_code, new_code)) == [0, 3], f"{what}: {old_code}, {new_code}"
        working = PASSPHRASE if old_code == 0 else OTHER_PASSPHRASE
        assert content_of(work, working, TEST_POLICY) == original, what
        with Journal.open(work, working, policy=TEST_POLICY) as journal:
            assert journal.setting("idle_minutes") == 7
            assert [d.payload for d in journal.drafts()] == [
                {"values": {"notes": "half a thought"}}
            ]
        databases = sorted(path.name for path in work.glob("journal-*.db"))
        assert len(databases) == 1, f"{what}: stray generations {databases}"
        outcome = "old" if working == PASSPHRASE else "new"
        outcomes[outcome] += 1
        if kill.waiting or kill.step >= switched or finished:
            # Known exactly: waiting before the header switch, old; from the switch on, new.
            assert outcome == ("new" if kill.step >= switched or finished else "old"), what
    print(f"passwd: {KILLS} kills over steps {steps.names}: {dict(outcomes)}")
    assert outcomes["old"] and outcomes["new"]


# ---------------------------------------------------------------------------------------------
# the app, with unsaved text in a session form


@pytest.mark.slow
def test_kill_9_with_unsaved_text_in_a_session_form_brings_it_back_as_a_draft(
    home: Path,
) -> None:
    Journal.create(home, PASSPHRASE, policy=TEST_POLICY).close()
    words = "She found a room near the river and starts on Monday"
    driver = Driver(home)
    driver.send(f"unlock {PASSPHRASE}")
    driver.send("new session")
    driver.send(f"type {words}")  # into the first field, where the cursor is
    driver.send("focus notes")
    driver.send("type and the notes go on here")
    time.sleep(FormScreen.AUTOSAVE_SECONDS + 1.5)  # typing has stopped: an autosave is due
    kill_hard(driver.process)  # no lock, no quit: nothing gets a chance to save

    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        (draft,) = journal.drafts()
        assert journal.counts()["session"] == 0  # a draft, not a saved session
    assert draft.kind == "session"
    assert draft.payload["values"]["goal_focus"] == words
    assert draft.payload["values"]["notes"] == "and the notes go on here"

    # The next unlock offers it back, and accepting opens the form with the text.
    driver = Driver(home)
    assert driver.send(f"unlock {PASSPHRASE}") == "draft offered"
    driver.send("answer yes")
    assert driver.send("text goal_focus") == words
    driver.send("save")
    driver.send("quit")
    driver.finish()
    with Journal.open(home, PASSPHRASE, policy=TEST_POLICY) as journal:
        (session,) = journal.all_records(Session)
        assert session.goal_focus == words and journal.drafts() == []
        assert journal.all_records(Reflection) == []


def test_the_autosave_interval_is_a_few_seconds() -> None:
    """A kill -9 loses at most this much typing (design.md section 2, promise 5)."""
    assert 0 < FormScreen.AUTOSAVE_SECONDS <= 5
