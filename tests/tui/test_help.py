"""The help screen is built from the screens' own bindings, so it cannot drift from the keys."""

from __future__ import annotations

from textual.binding import Binding

from peerjournal.tui.screens.help import SECTIONS, key_text, section_rows


def test_every_binding_of_every_section_is_listed() -> None:
    for section in SECTIONS:
        shown = " ".join(keys for keys, _ in section_rows(section))
        for owner in section.owners():
            for item in owner.BINDINGS:
                binding = item if isinstance(item, Binding) else Binding(*item)
                if binding.action not in section.skip:
                    assert key_text(binding) in shown, (section.title, binding.key)


def test_every_explanation_belongs_to_a_real_binding() -> None:
    for section in SECTIONS:
        actions = {
            (item if isinstance(item, Binding) else Binding(*item)).action
            for owner in section.owners()
            for item in owner.BINDINGS
        }
        assert set(section.what) <= actions, (section.title, set(section.what) - actions)


def test_the_follow_ups_section_is_complete() -> None:
    follow_ups = dict(
        (what, keys)
        for section in SECTIONS
        if section.title.startswith("Follow-ups")
        for keys, what in section_rows(section)
    )
    assert follow_ups["Done"] == "d or space"
    assert {"Drop", "Back", "Snooze: due a week later"} <= set(follow_ups)
