"""Receiving and depot hours, written in English on the record, said in the reply's language."""

from __future__ import annotations

import pytest

from bot.sms.templates import Templates
from flows.model import Reply


@pytest.mark.parametrize(
    ("written", "in_spanish"),
    [
        ("Mon-Fri 8am-4pm", "lun-vie 8am-4pm"),
        ("Mon-Thu 9am-5pm, Fri 9am-2:30pm", "lun-jue 9am-5pm, vie 9am-2:30pm"),
        ("Mon-Sat until 2pm", "lun-sab hasta 2pm"),
        ("Fri from 11am", "vie desde 11am"),
        ("Monday to Friday 8-4", "lun a vie 8-4"),
        ("Tues & Thurs 9am-noon", "mar & jue 9am-mediodia"),
        ("Mon–Fri 7am-3pm; Sat closed", "lun–vie 7am-3pm; sab cerrado"),
    ],
)
def test_receiving_hours_are_said_with_spanish_days(written: str, in_spanish: str) -> None:
    templates = Templates()
    reply = Reply("hold.done", {"tracking": "DS20461187", "depot": "Dock 4", "hours": written})
    assert templates.render(reply, "es").startswith(
        f"DS20461187 queda para recoger en Dock 4, {in_spanish}."
    )
    assert f"Dock 4, {written}." in templates.render(reply, "en")


def test_words_that_only_start_like_a_day_are_left_alone() -> None:
    reply = Reply("hold.done", {"tracking": "DS1", "depot": "Monroe St", "hours": "Sunset-Monroe"})
    assert "Sunset-Monroe" in Templates().render(reply, "es")
