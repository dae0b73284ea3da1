"""Dual relationships and their plans: which aliases still need an agreed plan.

In peer communities a dual relationship (the person is a neighbour, in the same fellowship,
a friend of a friend) is often unavoidable; what matters is a plan agreed and looked at again.
An alias *needs a plan* when it is active and has a dual relationship with no plan written, or
a plan whose review date has passed. The words for it are calm: "needs an agreed plan".
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from peerjournal.core.models import Alias

if TYPE_CHECKING:
    from peerjournal.core.journal import Journal

NEEDS_PLAN_WORDS = "needs an agreed plan"
REVIEW_DUE_WORDS = "plan due for review"


def needs_plan(alias: Alias, today: date) -> bool:
    """True when `alias` is active with a dual relationship and no plan, or a plan past its
    review date (the review date itself is not past)."""
    if alias.status != "active" or not alias.has_dual_relationship:
        return False
    if not alias.dual_plan.strip():
        return True
    return review_passed(alias, today)


def review_passed(alias: Alias, today: date) -> bool:
    """True when the plan's review date is before `today`."""
    return bool(alias.dual_review_on) and date.fromisoformat(str(alias.dual_review_on)) < today


def plan_words(alias: Alias, today: date) -> str:
    """One calm phrase for an alias's dual relationship: '' when there is none."""
    if not alias.has_dual_relationship:
        return ""
    if not alias.dual_plan.strip():
        return NEEDS_PLAN_WORDS
    if review_passed(alias, today):
        return REVIEW_DUE_WORDS
    return "plan agreed"


def dual_relationships_needing_plan(journal: Journal, today: date) -> list[Alias]:
    """Active aliases whose dual relationship needs an agreed plan, by pseudonym (aliases are
    few, so they are read whole)."""
    return [alias for alias in journal.list_aliases("active") if needs_plan(alias, today)]


def needing_plan_count(journal: Journal, today: date) -> int:
    """How many active aliases' dual relationships need an agreed plan."""
    return len(dual_relationships_needing_plan(journal, today))
