"""Opening and closing hours customers state ("we're only open 9-12 on saturdays", "we close at
5"): they bound the windows, and are not the window or day asked."""

from __future__ import annotations

import pytest
from when_helpers import WEDNESDAY, d

from nlu.timeparse import Hours, When, parse_when, stated_hours


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we're only open 9-12 on saturdays, can you come monday", When(d(23), None, None)),
        ("we open at 10 on saturdays, can you come saturday", When(d(21), None, None)),
        ("we close at noon on sat, come saturday", When(d(21), None, None)),
        (
            "the shop closes at noon saturday, is it coming this morning",
            When(d(18), "08:00", "12:00"),
        ),
        ("cerramos a las 5, pueden venir el viernes", When(d(20), None, None)),
        ("receiving is open till 4, can you come monday before 3", When(d(23), None, "15:00")),
    ],
)
def test_opening_hours_said_are_not_the_window_or_day_asked(text: str, expected: When) -> None:
    assert parse_when(text, WEDNESDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we're only open 9-12 on saturdays", Hours((5,), "09:00", "12:00")),
        ("saturdays we are open from 9am to noon", Hours((5,), "09:00", "12:00")),
        ("we open at 10", Hours(None, "10:00", None)),
        ("on fridays receiving closes at 2:30", Hours((4,), None, "14:30")),
        ("we're open 7 to 3 on weekdays", Hours((0, 1, 2, 3, 4), "07:00", "15:00")),
        ("we are open 7 to 3 weekdays", Hours((0, 1, 2, 3, 4), "07:00", "15:00")),
        ("open mon-fri 8-4", Hours((0, 1, 2, 3, 4), "08:00", "16:00")),
        ("open 10-2 on sat only", Hours((5,), "10:00", "14:00")),
        ("el sábado solo abrimos de 9 a 12", Hours((5,), "09:00", "12:00")),
        ("we close at 5", Hours(None, None, "17:00")),
    ],
)
def test_opening_hours_are_read_with_the_days_they_name(text: str, expected: Hours) -> None:
    assert stated_hours(text) == [expected]


@pytest.mark.parametrize(
    "text", ["can you open the gate at 5", "leave it by the door", "open 24 hours", "tmrw after 5"]
)
def test_no_opening_hours_where_none_were_said(text: str) -> None:
    assert stated_hours(text) == []
