"""Passphrase rules and plain-language strength feedback (no third-party estimator).

The journal's only protection against someone holding a copy of it is the passphrase, slowed
down by Argon2id. We require a minimum length and explain, kindly, how to make it stronger; a
long passphrase of several ordinary words is both strong and memorable.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MIN_LENGTH = 12

# A few of the most common choices; long enough to catch the obvious, short enough to read.
_COMMON = {
    "password",
    "passw0rd",
    "123456789012",
    "qwertyuiop",
    "iloveyou",
    "letmein",
    "welcome",
    "sunshine",
    "football",
    "princess",
    "dragon",
    "monkey",
    "trustno1",
    "correcthorsebatterystaple",
    "peerjournal",
    "recovery",
    "journal",
    "support",
}


@dataclass(frozen=True)
class Assessment:
    acceptable: bool
    score: int  # 0 (very weak) .. 4 (strong)
    label: str  # "too short", "weak", "fair", "good", "strong"
    feedback: str  # one or two plain sentences


def _estimated_bits(passphrase: str) -> float:
    words = re.findall(r"[^\W\d_]{3,}", passphrase)
    pool = 0
    if re.search(r"[a-z]", passphrase):
        pool += 26
    if re.search(r"[A-Z]", passphrase):
        pool += 26
    if re.search(r"\d", passphrase):
        pool += 10
    if re.search(r"[^\w\s]|_", passphrase):
        pool += 33
    if re.search(r"[^\x00-\x7f]", passphrase):
        pool += 100
    if " " in passphrase:
        pool += 1
    by_characters = len(passphrase) * math.log2(max(pool, 2))
    # A person picks words, not random letters: count each distinct word as ~11 bits
    # (a 2,000-word everyday vocabulary), plus a little for what is left over.
    if len(words) >= 3:
        leftover = len(re.sub(r"[^\W\d_]{3,}", "", passphrase).strip())
        by_words = 11.0 * len(set(w.lower() for w in words)) + 3.0 * leftover
        return min(by_characters, by_words)
    # Repeats and runs add little.
    distinct = len(set(passphrase))
    return min(by_characters, distinct * math.log2(max(pool, 2)) * 1.5)


def assess(passphrase: str) -> Assessment:
    """How strong a new passphrase is, and what would make it stronger."""
    squashed = re.sub(r"\W", "", passphrase.lower())
    if len(passphrase) < MIN_LENGTH:
        return Assessment(
            False,
            0,
            "too short",
            f"Use at least {MIN_LENGTH} characters. Four or five ordinary words that don't "
            "belong together make a strong passphrase you can remember.",
        )
    if squashed in _COMMON or len(set(passphrase)) <= 3:
        return Assessment(
            False,
            0,
            "too easy to guess",
            "That passphrase is one of the first an attacker would try. Choose something "
            "personal to you that nobody could guess.",
        )
    bits = _estimated_bits(passphrase)
    if bits < 40:
        return Assessment(
            True, 1, "weak", "Accepted, but weak. Add another word or two to make it much stronger."
        )
    if bits < 55:
        return Assessment(True, 2, "fair", "Fair. One more unusual word would make it strong.")
    if bits < 70:
        return Assessment(True, 3, "good", "Good. Make sure it's one you will remember.")
    return Assessment(True, 4, "strong", "Strong. Make sure it's one you will remember.")


LOSS_WARNING = (
    "If you forget this passphrase, nobody can recover your journal: not you, not us, not "
    "anyone. There is no reset. Keep it somewhere only you can reach."
)
