"""Days and windows customers text, resolved against a Wednesday morning in New York."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from nlu.timeparse import Hours, When, normalize_sms, parse_when, stated_hours, todays_weekday_named

WEDNESDAY = datetime(2026, 11, 18, 10, 0)  # local time in the recipient's zone
WEDNESDAY_AFTERNOON = datetime(2026, 11, 18, 15, 0)
WEDNESDAY_NIGHT = datetime(2026, 11, 18, 21, 30)
FRIDAY = datetime(2026, 11, 20, 9, 30)


def d(day: int, month: int = 11) -> date:
    return date(2026, month, day)


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


def days_before(back: date) -> list[date]:
    """Every day from the Wednesday the message is sent until `back`, not `back` itself."""
    today = WEDNESDAY.date()
    return [date.fromordinal(n) for n in range(today.toordinal(), back.toordinal())]


@pytest.mark.parametrize(
    ("text", "asked", "back"),
    [
        ("I'm out till sunday", None, d(22)),
        ("away until the 25th", None, d(25)),
        ("not back until monday", None, d(23)),
        ("we're closed until friday", None, d(20)),
        ("i won't be home until friday", None, d(20)),
        ("out of town thru friday", None, d(21)),
        ("estoy fuera hasta el lunes", None, d(23)),
        ("we're out of the office until tuesday, pls redeliver", None, d(24)),
        ("on vacation until wednesday", None, d(25)),  # today's weekday: next week's
        ("im out til sunday, monday after 3?", d(23), d(22)),
    ],
)
def test_away_until_a_day_rules_out_the_days_before_it_not_that_day(
    text: str, asked: date | None, back: date
) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.date, list(when.ruled_out)) == (asked, days_before(back))


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("hold it until monday", d(23)),
        ("can you hold it till monday", d(23)),
        ("keep it till friday", d(20)),
        ("can it wait until saturday", d(21)),
        ("please hold off until the 24th", d(24)),
        ("guárdenlo hasta el lunes", d(23)),
        # Today's weekday is next week's, as for an absence.
        ("hold it until wednesday", d(25)),
    ],
)
def test_hold_it_until_a_day_means_not_before_that_day(text: str, back: date) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.date, list(when.ruled_out)) == (None, days_before(back))


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
        ("deliver by friday", d(20), []),
        ("i'm out until 5 on friday", d(20), []),
    ],
)
def test_a_time_until_is_not_an_absence(
    text: str, asked: date | None, ruled_out: list[date]
) -> None:
    when = parse_when(text, WEDNESDAY)
    assert (when.date, list(when.ruled_out)) == (asked, ruled_out)


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
