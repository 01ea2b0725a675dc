"""Days customers say they can't take ("closed the 24th", "fridays are bad", "not this week"),
told apart from the day they ask for; it is Wednesday morning in New York."""

from __future__ import annotations

from datetime import date

import pytest
from when_helpers import WEDNESDAY, d, days_before

from nlu.timeparse import parse_when


@pytest.mark.parametrize(
    ("text", "expected_day"),
    [
        ("can't do friday, monday works", d(23)),
        ("tmrw doesnt work, but friday does", d(20)),
        ("i'm out till sunday, can you come monday", d(23)),
        ("we close at 5 on friday so thursday is better", d(19)),
        ("can you deliver monday instead? we're closed for inventory tomorrow", d(23)),
        ("we are closed friday, can you come thursday", d(19)),
        ("im busy tomorrow, friday afternoon?", d(20)),
        ("not home tomorrow but friday after 4 works", d(20)),
        ("im not home tomorrow so friday?", d(20)),
        ("no estoy mañana pero el viernes sí", d(20)),
    ],
)
def test_a_day_the_customer_rules_out_is_not_booked(text: str, expected_day: date) -> None:
    assert parse_when(text, WEDNESDAY).date == expected_day


@pytest.mark.parametrize(
    "text",
    [
        "we're shut on the 24th, can it come the 23rd",
        "the 24th we're shut, can it come the 23rd",
        "24th we are closed, can it come the 23rd?",
        "on the 24th we're closed so the 23rd please",
        "we're closed on the 24th for thanksgiving, can you do the 23rd",
        "we're shut on the 24th and 25th, can it come the 23rd",
        "nobody here the 24th, can it come the 23rd",
        "the 24th is a holiday for us, can it come the 23rd",
        "we're off on the 24th, can it come on the 23rd",
        "can it come the 23rd? we're closed the 24th",
        "el 24 estamos cerrados, puede ser el 23",
    ],
)
def test_a_closed_day_said_with_the_day_wanted_books_the_day_wanted(text: str) -> None:
    assert parse_when(text, WEDNESDAY).date == d(23)


@pytest.mark.parametrize(
    ("text", "expected_day"),
    [
        ("drop it off on the 24th", d(24)),
        ("friday we're closed, thursday?", d(19)),
        ("monday we're closed all day. tuesday after 2?", d(24)),
        ("cant do monday or tuesday", None),
        ("not monday or tuesday, friday works", d(20)),
        ("fridays are bad, thursday?", d(19)),
    ],
)
def test_a_closed_day_is_told_apart_from_the_day_wanted(
    text: str, expected_day: date | None
) -> None:
    assert parse_when(text, WEDNESDAY).date == expected_day


@pytest.mark.parametrize(
    ("text", "asked", "ruled_out"),
    [
        ("we're closed the 24th, can you come today", d(18), [d(24)]),
        ("cant do monday or tuesday", None, [d(23), d(24)]),
        ("not home tomorrow, friday afternoon?", d(20), [d(19)]),
        ("the 24th is no good for us", None, [d(24)]),
        ("can't take it on the 24th", None, [d(24)]),
        ("anything but friday", None, [d(20)]),
        ("saturday is out, monday?", d(23), [d(21)]),
        ("no puedo el viernes", None, [d(20)]),
        ("el lunes estamos cerrados, el martes?", d(24), [d(23)]),
        ("martes no, jueves si", d(19), [d(24)]),
        ("monday and tuesday are bad, friday?", d(20), [d(23), d(24)]),
        ("mon, tue or wed we're closed. thursday", d(19), [d(18), d(23), d(24), d(25)]),
        ("el jueves y el viernes no me sirven", None, [d(19), d(20)]),
        ("we're closed the 24th and the 25th, the 23rd?", d(23), [d(24), d(25)]),
        ("friday works", d(20), []),
        ("friday no problem", d(20), []),
    ],
)
def test_the_days_the_customer_rules_out_are_read(
    text: str, asked: date | None, ruled_out: list[date]
) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.date, list(when.ruled_out)) == (asked, ruled_out)


@pytest.mark.parametrize(
    ("text", "ruled_out"),
    [
        ("fridays are bad", [d(20), d(27), d(4, 12), d(11, 12), d(18, 12)]),
        ("we're closed saturdays", [d(21), d(28), d(5, 12), d(12, 12), d(19, 12)]),
        # Today's weekday on its own: a rebook reads it as next week's, so both are out.
        ("not wednesday", [d(18), d(25)]),
        ("not next wednesday", [d(25)]),
    ],
)
def test_a_weekday_ruled_out_as_a_habit_or_todays_is_ruled_out_ahead(
    text: str, ruled_out: list[date]
) -> None:
    assert list(parse_when(text, WEDNESDAY).ruled_out) == ruled_out


@pytest.mark.parametrize(
    "text",
    [
        "we close at 5 friday so thursday is better",
        "can't do friday, monday works",
        "friday or saturday, we're closed saturday",
        "thursday",
    ],
)
def test_a_day_ruled_out_or_turned_from_is_no_alternative(text: str) -> None:
    assert parse_when(text, WEDNESDAY).alternatives == ()


@pytest.mark.parametrize(
    ("text", "asked", "ruled_out"),
    [
        ("we're closed from friday to monday", None, [d(20), d(21), d(22), d(23)]),
        ("we're away fri through mon", None, [d(20), d(21), d(22), d(23)]),
        ("out of town thursday-saturday", None, [d(19), d(20), d(21)]),
        ("between friday and monday nobody is home", None, [d(20), d(21), d(22), d(23)]),
        ("closed the 26th to the 28th, can you come monday", d(23), [d(26), d(27), d(28)]),
        ("away friday until monday", None, [d(20), d(21), d(22)]),
        ("estamos cerrados del viernes al lunes", None, [d(20), d(21), d(22), d(23)]),
        ("not thursday to saturday, monday works", d(23), [d(19), d(20), d(21)]),
        # A range asked for is not ruled out.
        ("can you deliver monday to wednesday", d(23), []),
    ],
)
def test_a_range_of_days_ruled_out_rules_out_every_day_in_it(
    text: str, asked: date | None, ruled_out: list[date]
) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.date, list(when.ruled_out)) == (asked, ruled_out)


@pytest.mark.parametrize(
    ("text", "asked", "ruled_out"),
    [
        # Asking for next week, or to hold it until then: nothing before next Monday.
        ("can you move it to next week", None, days_before(d(23))),
        ("hold it until next week", None, days_before(d(23))),
        ("mejor la próxima semana, el martes", d(24), days_before(d(23))),
        ("bump it to next week, tuesday maybe", d(24), days_before(d(23))),
        ("next week tuesday or wednesday", d(24), days_before(d(23))),
        # A week ruled out: every day of it.
        ("we're closed next week", None, [d(n) for n in range(23, 30)]),
        ("not this week", None, [d(n) for n in range(18, 23)]),
        ("closed next week, can you come friday", d(20), [d(n) for n in range(23, 30)]),
        ("deliver this week please", None, []),
    ],
)
def test_a_week_asked_or_ruled_out(text: str, asked: date | None, ruled_out: list[date]) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.date, list(when.ruled_out)) == (asked, ruled_out)
