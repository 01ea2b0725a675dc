"""Closing times customers state in other words ("we close early today at 2", "we shut at 2",
"cerramos temprano hoy a las 2"): read as the hours they can take a delivery, never as the
window asked ("at 2" is not "after 2"). It is Wednesday morning in New York."""

from __future__ import annotations

import pytest
from when_helpers import WEDNESDAY

from nlu.timeparse import Hours, parse_when, stated_hours


@pytest.mark.parametrize(
    ("text", "closes"),
    [
        ("we close early today at 2", "14:00"),
        ("we shut at 2", "14:00"),
        ("we're only open till 2 today", "14:00"),
        ("closing early at 2pm today", "14:00"),
        ("the shop shuts at 3:30", "15:30"),
        ("we shut up shop at 1", "13:00"),
        ("we close early today, at noon", "12:00"),
        ("cerramos a las 2", "14:00"),
        ("cerramos temprano hoy a las 2", "14:00"),
        ("hoy cerramos temprano, a las 3", "15:00"),
        ("la tienda cierra a las 4", "16:00"),
    ],
)
def test_a_closing_time_said_in_other_words_is_read_as_hours(text: str, closes: str) -> None:
    assert stated_hours(text) == [Hours(None, None, closes)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we close early on fridays at 2", Hours((4,), None, "14:00")),
        ("we shut at 1 on saturdays", Hours((5,), None, "13:00")),
        ("cerramos los sábados a la 1", Hours((5,), None, "13:00")),
        ("la tienda cierra a las 3 los sábados", Hours((5,), None, "15:00")),
    ],
)
def test_a_closing_time_said_for_some_days_names_them(text: str, expected: Hours) -> None:
    assert stated_hours(text) == [expected]


@pytest.mark.parametrize(
    ("text", "day", "after", "before"),
    [
        ("we close early today at 2, can you come tomorrow afternoon", 19, "12:00", "17:00"),
        ("we shut at 2. tomorrow?", 19, None, None),
        ("cerramos temprano hoy a las 2, ¿mañana por la tarde?", 19, "12:00", "17:00"),
        ("we close early on fridays at 2, friday please", 20, None, None),
        ("we're only open till 2 today, tomorrow after lunch?", 19, "13:00", None),
        ("hoy cerramos a las 2, ¿mañana?", 19, None, None),
    ],
)
def test_a_closing_time_is_not_the_window_asked(
    text: str, day: int, after: str | None, before: str | None
) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.date.day, when.after, when.before) == (day, after, before)


@pytest.mark.parametrize(
    "text", ["shut the gate at 5 pls", "please close the door at 5", "we're close by, at 2"]
)
def test_closing_a_door_or_being_close_is_no_closing_time(text: str) -> None:
    assert stated_hours(text) == []
