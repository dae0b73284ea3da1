"""Passphrase rules and plain-language strength feedback, from a real estimator (zxcvbn).

The journal's only protection against someone holding a copy of it (a stolen laptop, a synced
folder, an old backup) is the passphrase, slowed down by Argon2id: an attacker with the header
can guess offline for as long as they like. So this is the one place a supporter's choice
decides everything, and a hand-made "bits" formula called `Summer2026!!` strong.

`zxcvbn` (the maintained Python port of Dropbox's estimator: dictionaries, l33t, keyboard
walks, dates, repeats; the reason for our one estimator dependency) estimates how many guesses
a passphrase needs. The rule, the same for `init`, `passwd`, the create screen and the change
screen:

* at least `MIN_LENGTH` (12) characters, and
* zxcvbn's top score, 4: at least 10^10 guesses, which zxcvbn describes as strong protection
  against an offline attack on a slow hash, our exact case. Score 3 (10^8 guesses) is not
  enough: it lets through a word with a year and symbols (`Summer2026!!`, 2.8 x 10^8), among
  the first patterns any cracking tool tries.

The words of this app (`APP_WORDS`) are given to zxcvbn as words an attacker would try first.
Only the first `ESTIMATOR_MAX_CHARS` characters are estimated: zxcvbn gets slow on long input
(and refuses more than 72 characters), and a long passphrase is strong when its start is.

Words are chosen for people: the feedback is zxcvbn's own warning and one suggestion, and the
time to guess is said in words at this journal's key-derivation cost (`time_to_guess`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from peerjournal.core.errors import UsageError
from peerjournal.core.kdf import SALT_BYTES, KdfPolicy, derive_keys

MIN_LENGTH = 12
MIN_GUESSES = 1e10  # zxcvbn's score 4
ESTIMATOR_MAX_CHARS = 72
# What an attacker who knows what this journal is would try first.
APP_WORDS = (
    "peerjournal",
    "peer",
    "journal",
    "support",
    "supporter",
    "peersupport",
    "recovery",
    "passphrase",
    "password",
    "diary",
    "notes",
    "private",
    "secret",
    "confidential",
    "correcthorsebatterystaple",
)
SECONDS_PER_YEAR = 365.25 * 24 * 3600

PASSPHRASE_RULES = (
    f"at least {MIN_LENGTH} characters, hard to guess. Four or five ordinary words that don't "
    "belong together work well; common passwords, keyboard runs, this app's name and a word "
    "with a year or symbols are refused."
)
LOSS_WARNING = (
    "If you forget this passphrase, nobody can recover your journal: not you, not us, not "
    "anyone. There is no reset. Keep it somewhere only you can reach."
)
WEAK_EXISTING = (
    "This journal's passphrase is easier to guess than peerjournal now allows. Consider "
    "changing it: {how}."
)
_ADD_WORDS = "Add another word or two; uncommon words are better."


@dataclass(frozen=True)
class Assessment:
    """What the estimator made of a passphrase, in words a person can act on."""

    acceptable: bool
    score: int  # zxcvbn's 0 (very weak) .. 4 (strong); 0 when too short
    label: str  # "too short", "very weak", "weak", "not strong enough", "strong"
    feedback: str  # zxcvbn's warning and one suggestion (or a word of encouragement)
    guesses: float  # zxcvbn's estimate of the guesses needed

    @property
    def summary(self) -> str:
        """'Strength: weak. <feedback>' (the label and the feedback never repeat each other)."""
        return f"Strength: {self.label}. {self.feedback}"


def _estimate(passphrase: str) -> dict[str, Any]:
    from zxcvbn import zxcvbn  # 0.1 s to import: only commands that need it pay for it

    result: dict[str, Any] = zxcvbn(
        passphrase[:ESTIMATOR_MAX_CHARS],
        user_inputs=list(APP_WORDS),
        max_length=ESTIMATOR_MAX_CHARS,
    )
    return result


def _sentence(text: str) -> str:
    text = text.strip()
    if text and text[-1] not in ".!?":
        text += "."
    return text


def _feedback(result: dict[str, Any]) -> str:
    """zxcvbn's warning (or ours, for this app's words) and one suggestion."""
    warning = _sentence(result["feedback"].get("warning") or "")
    if not warning and any(
        match.get("dictionary_name") == "user_inputs" for match in result["sequence"]
    ):
        warning = "Words about this app are among the first an attacker would try."
    if not warning and result["score"] >= 3:
        warning = "It follows a pattern that cracking tools try early."
    suggestions = [_sentence(s) for s in result["feedback"].get("suggestions") or []]
    suggestion = next((s for s in suggestions if s != warning), _ADD_WORDS)
    return f"{warning} {suggestion}".strip()


def assess(passphrase: str) -> Assessment:
    """How strong a new passphrase is, whether the rule accepts it, and what would help."""
    if len(passphrase) < MIN_LENGTH:
        return Assessment(
            False,
            0,
            "too short",
            f"Use at least {MIN_LENGTH} characters. Four or five ordinary words that don't "
            "belong together make a strong passphrase you can remember.",
            0.0,
        )
    result = _estimate(passphrase)
    score, guesses = int(result["score"]), float(result["guesses"])
    if score >= 4 and guesses >= MIN_GUESSES:
        return Assessment(True, score, "strong", "Make sure it's one you will remember.", guesses)
    label = {0: "very weak", 1: "weak", 2: "weak"}.get(score, "not strong enough")
    return Assessment(False, score, label, _feedback(result), guesses)


def require_acceptable(passphrase: str, *, what: str = "passphrase") -> Assessment:
    """The assessment of an acceptable new passphrase; UsageError (with why) otherwise."""
    assessment = assess(passphrase)
    if not assessment.acceptable:
        raise UsageError(f"The new {what} is {assessment.label}. {assessment.feedback}")
    return assessment


def is_weak(passphrase: str) -> bool:
    """Whether today's rule would refuse this (existing) passphrase."""
    return not assess(passphrase).acceptable


def weak_existing_message(how: str) -> str:
    """Said once, calmly, when a journal opens with a passphrase today's rule refuses."""
    return WEAK_EXISTING.format(how=how)


def seconds_per_guess(policy: KdfPolicy) -> float:
    """What one guess costs at the key derivation a new journal (or new passphrase) gets.

    With calibration (production), Argon2id is tuned to take about `target_seconds` on this
    computer, and never less than the floor (which on a slow computer takes longer, so the
    figure errs on the side of a weaker meter). Without (tests, the demo), the floor is used
    as it is, so one run of it is timed. One guess costs an attacker one key derivation; an
    attacker with many such computers divides the time by their number (docs/security.md).
    """
    if policy.calibrate:
        return policy.target_seconds
    started = time.perf_counter()
    derive_keys("a passphrase to time", bytes(SALT_BYTES), policy.floor)
    return max(time.perf_counter() - started, 1e-6)


def time_to_guess(guesses: float, per_guess: float) -> str:
    """'would take centuries to guess' ... 'could be guessed in minutes', in plain words."""
    seconds = guesses * per_guess
    for limit, words in (
        (60, "could be guessed in seconds"),
        (3600, "could be guessed in minutes"),
        (24 * 3600, "could be guessed in hours"),
        (31 * 24 * 3600, "could be guessed in days"),
        (SECONDS_PER_YEAR, "could be guessed in months"),
        (10 * SECONDS_PER_YEAR, "could be guessed in a few years"),
        (100 * SECONDS_PER_YEAR, "would take decades to guess"),
    ):
        if seconds < limit:
            return words
    return "would take centuries to guess"


def meter_text(assessment: Assessment, per_guess: float) -> str:
    """The strength meter's line: label, feedback, and the time to guess in words."""
    if assessment.label == "too short":
        return assessment.summary
    when = time_to_guess(assessment.guesses, per_guess)
    cost = f"{per_guess:.1f} s" if per_guess >= 0.1 else f"{per_guess * 1000:.0f} ms"
    said = (
        f"{assessment.summary} At this journal's key-derivation cost (about {cost} a guess "
        f"on this computer), it {when}"
    )
    if assessment.acceptable:
        return said + "."
    return said + "; an attacker with many computers is faster still."
