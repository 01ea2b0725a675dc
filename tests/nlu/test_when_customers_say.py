"""Days and windows customers text, resolved against a Wednesday morning in New York."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from when_helpers import FRIDAY, WEDNESDAY, WEDNESDAY_AFTERNOON, WEDNESDAY_NIGHT, d

from nlu.timeparse import When, normalize_sms, parse_when, todays_weekday_named


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("can u come tmrw after 5", When(d(19), "17:00", None)),
        ("tmr b4 3 pls", When(d(19), None, "15:00")),
        ("2moro morning", When(d(19), "08:00", "12:00")),
        ("monday morning", When(d(23), "08:00", "12:00")),
        ("between 2 and 4 on friday", When(d(20), "14:00", "16:00")),
        ("not before noon", When(None, "12:00", None)),
        ("not until 3 tomorrow", When(d(19), "15:00", None)),
        ("after 5 but before 7", When(None, "17:00", "19:00")),
        ("fri 2-4", When(d(20), "14:00", "16:00")),
        ("thursday 10am-2pm", When(d(19), "10:00", "14:00")),
        ("sat 9 to 12", When(d(21), "09:00", "12:00")),
        ("between 8 and 10pm tmrw", When(d(19), "20:00", "22:00")),
        ("tonight after 8", When(d(18), "20:00", "21:00")),
        ("this afternoon", When(d(18), "12:00", "17:00")),
        ("tomorrow evening", When(d(19), "17:00", "21:00")),
        ("after lunch tomorrow", When(d(19), "13:00", None)),
        ("by noon on monday", When(d(23), None, "12:00")),
        ("day after tomorrow", When(d(20), None, None)),
        ("any time after 5:30", When(None, "17:30", None)),
        ("dont come before 10 tmrw im sleeping", When(d(19), "10:00", None)),
        ("i work until 6 so any day after that", When(None, "18:00", None)),
        ("tmrw in the am", When(d(19), "08:00", "12:00")),
    ],
)
def test_english_sms_days_and_windows(text: str, expected: When) -> None:
    assert parse_when(text, WEDNESDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("el lunes en la mañana", When(d(23), "08:00", "12:00")),
        ("mañana después de las 5", When(d(19), "17:00", None)),
        ("pasado mañana por la tarde", When(d(20), "12:00", "17:00")),
        ("entre las 2 y las 4 el viernes", When(d(20), "14:00", "16:00")),
        ("no antes del mediodía", When(None, "12:00", None)),
        ("el sábado de 9 a 12", When(d(21), "09:00", "12:00")),
        ("mañana a las 3 de la tarde", When(d(19), "15:00", None)),
        ("3 de diciembre", When(d(3, 12), None, None)),
        ("el jueves antes de las 11", When(d(19), None, "11:00")),
        ("esta noche", When(d(18), "17:00", "21:00")),
        ("no voy a estar hoy, pueden venir el domingo", When(d(22), None, None, (d(18),))),
    ],
)
def test_spanish_days_and_windows(text: str, expected: When) -> None:
    assert parse_when(text, WEDNESDAY) == expected


@pytest.mark.parametrize(
    ("text", "now", "expected_day"),
    [
        ("friday", WEDNESDAY, d(20)),  # this Friday
        ("friday", FRIDAY, d(20)),  # on a Friday morning, "friday" is today
        ("next friday", FRIDAY, d(27)),  # ... and "next friday" a week later
        ("next friday", WEDNESDAY, d(20)),
        ("wednesday", WEDNESDAY, d(18)),
        ("this weekend", WEDNESDAY, d(21)),
        ("12/06", WEDNESDAY, d(6, 12)),
        ("11/02", WEDNESDAY, date(2027, 11, 2)),  # already past this year: next year
        ("the 23rd", WEDNESDAY, d(23)),
        ("the 5th", WEDNESDAY, d(5, 12)),
        ("dec 3", WEDNESDAY, d(3, 12)),
        ("december 3rd", WEDNESDAY, d(3, 12)),
        ("in 2 days", WEDNESDAY, d(20)),
    ],
)
def test_a_day_is_its_next_occurrence(text: str, now: datetime, expected_day: date) -> None:
    assert parse_when(text, now).date == expected_day


@pytest.mark.parametrize(
    ("text", "now", "expected_day"),
    [
        ("wednesday", WEDNESDAY_NIGHT, d(25)),
        ("bring it wed", WEDNESDAY_NIGHT, d(25)),
        ("wednesday morning", WEDNESDAY_AFTERNOON, d(25)),
        ("wednesday before 2", WEDNESDAY_AFTERNOON, d(25)),
        ("this coming wednesday please", WEDNESDAY, d(25)),
        ("wednesday evening", WEDNESDAY_AFTERNOON, d(18)),
        ("today", WEDNESDAY_NIGHT, d(18)),
        ("tonight", WEDNESDAY_NIGHT, d(18)),
        ("this morning", WEDNESDAY_AFTERNOON, d(18)),
    ],
)
def test_todays_weekday_is_next_week_once_the_window_asked_for_is_over(
    text: str, now: datetime, expected_day: date
) -> None:
    assert parse_when(text, now).date == expected_day


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("bring it wednesday", True),
        ("can you come wed after 2", True),
        ("not home today, bring it wednesday", True),
        ("el miércoles por la tarde", True),
        ("today", False),
        ("tonight after 8", False),
        ("this afternoon", False),
        ("this wednesday", False),
        ("wednesday, today after 5", False),
        ("hoy miércoles", False),
        ("11/18", False),
        ("friday", False),
    ],
)
def test_today_asked_for_only_by_its_weekday_is_told_apart(text: str, named: bool) -> None:
    assert todays_weekday_named(text, WEDNESDAY.date()) is named


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("wednesday or thursday", WEDNESDAY, When(d(18), alternatives=(d(19),))),
        ("wed or thurs after 2", WEDNESDAY, When(d(18), "14:00", None, alternatives=(d(19),))),
        ("tmrw, fri or mon", WEDNESDAY, When(d(19), alternatives=(d(20), d(23)))),
        ("miércoles o jueves", WEDNESDAY, When(d(18), alternatives=(d(19),))),
        # Today's window is over: the next day named first, then next week's.
        ("wednesday or thursday", WEDNESDAY_NIGHT, When(d(19), alternatives=(d(25),))),
    ],
)
def test_the_other_days_named_with_the_one_asked_are_read(
    text: str, now: datetime, expected: When
) -> None:
    assert parse_when(text, now) == expected


def test_a_word_starting_with_th_after_an_hour_leaves_it_a_time() -> None:
    assert parse_when("im only home after 6 this week", WEDNESDAY) == When(None, "18:00", None)


@pytest.mark.parametrize(
    "text",
    [
        "it sat on the porch all day",
        "i am home all day",
        "call me at 555-123-4567",
        "it took 3-5 days last time",
        "leave it out of the sun",
        "c'mon man",
        "where is my package",
        "",
    ],
)
def test_no_time_where_none_was_said(text: str) -> None:
    assert parse_when(text, WEDNESDAY) == When()


def test_a_time_with_no_day_leaves_the_date_empty() -> None:
    assert parse_when("after 3", WEDNESDAY) == When(None, "15:00", None)


def test_the_normaliser_expands_sms_shorthand() -> None:
    assert normalize_sms("Tmrw b4 5 P.M. pls") == "tomorrow before 5pm pls"
    assert normalize_sms("sat aftr 2") == "saturday after 2"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nobody can sign for it after 2", When(None, None, "14:00")),
        ("no one's home after 3pm", When(None, None, "15:00")),
        ("can't receive anything past noon", When(None, None, "12:00")),
        ("my wife isn't home after 3 thursday", When(d(19), None, "15:00")),
        ("no one will be here after 4 tomorrow", When(d(19), None, "16:00")),
        ("we're closed after 3 on friday", When(d(20), None, "15:00")),
        ("nadie va a estar después de las 3", When(None, None, "15:00")),
    ],
)
def test_nobody_there_after_a_time_asks_for_a_window_before_it(text: str, expected: When) -> None:
    assert parse_when(text, WEDNESDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("after 2 works", When(None, "14:00", None)),
        ("anytime after 2", When(None, "14:00", None)),
        ("not before 2", When(None, "14:00", None)),
        ("i won't be home until after 5", When(None, "17:00", None)),
        ("no problem, after 2 is fine", When(None, "14:00", None)),
        ("don't mind after 2", When(None, "14:00", None)),
        ("not home tomorrow, after 4 friday?", When(d(20), "16:00", None, (d(19),))),
    ],
)
def test_a_time_wanted_after_stays_after(text: str, expected: When) -> None:
    assert parse_when(text, WEDNESDAY) == expected
