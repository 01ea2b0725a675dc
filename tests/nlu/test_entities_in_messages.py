"""Tracking numbers, access codes, addresses, and drivers' delays and stops, from raw text."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from nlu.entities import (
    Span,
    clean_access_code,
    find_access_code,
    find_address,
    find_delay_minutes,
    find_stop,
    find_tracking_numbers,
    resolve_entities,
)
from nlu.language import detect_language
from nlu.understanding import Entities

NOW = datetime(2026, 11, 18, 10, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("track ds-2046 1187 pls", "DS20461187"),
        ("DS20461187", "DS20461187"),
        ("1z 999 aa1 012 3456 784 where is it", "1Z999AA10123456784"),
        ("ups 1Z-02X-5E7-03-9811-4420", "1Z02X5E70398114420"),
        ("tba 309 112 837 264 any news?", "TBA309112837264"),
        ("fedex 612999887766 when does it come", "612999887766"),
        ("status of fedex 7489 2201 5563", "748922015563"),
        ("my usps number is 9405 5036 9930 0512 3456 78", "9405503699300512345678"),
        ("EJ123456789US where is this", "EJ123456789US"),
        ("ej 123 456 789 us?", "EJ123456789US"),
    ],
)
def test_tracking_numbers_in_every_carrier_format(text: str, expected: str) -> None:
    assert [s.value for s in find_tracking_numbers(text)] == [expected]


def test_the_operator_format_is_configurable() -> None:
    assert [s.value for s in find_tracking_numbers("ref xy-123456", r"XY\d{6}")] == ["XY123456"]
    assert find_tracking_numbers("ref xy-123456") == []


@pytest.mark.parametrize(
    "text", ["call me at 555 123 4567", "gate code 4512", "apt 12 at 123 main st", "2-4 tmrw"]
)
def test_no_tracking_number_in_ordinary_digits(text: str) -> None:
    assert find_tracking_numbers(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gate code is #2291", "2291"),
        ("#2291", "2291"),
        ("door code 7731* thx", "7731*"),
        ("gate code is 4512# come after 5", "4512"),
        ("lockbox 9981", "9981"),
        ("buzzer 405 then door code 1357", "1357"),
        ("the code for the gate is #0420", "0420"),
        ("código 1234", "1234"),
        ("el código del portón es 4512", "4512"),
        ("la clave es 9090#", "9090"),
        ("callbox *4410", "*4410"),
        ("gate code changed to 0423", "0423"),
    ],
)
def test_access_codes_as_given_without_the_hash(text: str, expected: str) -> None:
    assert find_access_code(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "come at 5 pls",
        "deliver to 4512 Oak Street",
        "the gate is at the back, come after 1130",
        "apt #402",
        "order #55123 is late",
        "my zip is NJ 07114",
        "where is my package",
    ],
)
def test_no_access_code_in_times_streets_units_or_zips(text: str) -> None:
    assert find_access_code(text) is None


def test_a_tracking_number_is_never_an_access_code() -> None:
    entities = resolve_entities("code 1Z999AA10123456784 pls", now=NOW)
    assert entities.tracking_number == "1Z999AA10123456784"
    assert entities.access_code is None


def test_access_code_cleaning() -> None:
    assert clean_access_code("#2291#") == "2291"
    assert clean_access_code("7731*") == "7731*"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "my new address is 123 Main St apt 4B, Newark NJ 07114",
            "123 Main St apt 4B, Newark NJ 07114",
        ),
        ("deliver to apt 4B instead", "apt 4B"),
        ("leave at 45 Oak Avenue, the gate code is 0420", "45 Oak Avenue"),
        ("send it to 77 W. Elm Rd", "77 W. Elm Rd"),
        ("calle Luna 45 apto 3", "calle Luna 45 apto 3"),
    ],
)
def test_addresses_as_written(text: str, expected: str) -> None:
    assert find_address(text) == expected


def test_rasa_address_span_grows_over_its_unit() -> None:
    text = "pls bring it to 12 Birch Lane apt 7 instead"
    start = text.index("12 Birch")
    span = Span(start, start + len("12 Birch Lane"), "12 Birch Lane")
    assert find_address(text, rasa_spans=[span]) == "12 Birch Lane apt 7"


def test_a_rasa_span_that_is_not_an_address_is_dropped() -> None:
    text = "leave it on the porch"
    span = Span(text.index("the porch"), len(text), "the porch")
    assert find_address(text, rasa_spans=[span]) is None


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("running half an hour behind", 30),
        ("15 min late", 15),
        ("an hour late", 60),
        ("1.5 hrs behind", 90),
        ("hour and a half behind, truck stuck", 90),
        ("about 20 mins out", 20),
        ("running 10 behind", 10),
        ("twenty minutes late sorry", 20),
        ("voy 20 minutos tarde", 20),
        ("media hora de retraso", 30),
        ("1h15 late", 75),
    ],
)
def test_driver_delays_in_minutes(text: str, minutes: int) -> None:
    assert find_delay_minutes(text) == minutes


@pytest.mark.parametrize(
    ("text", "stop"),
    [
        ("#17 not home", 17),
        ("stop 12 gate locked", 12),
        ("parada 5 no hay nadie", 5),
        ("stop #3 done", 3),
    ],
)
def test_driver_stop_numbers(text: str, stop: int) -> None:
    assert find_stop(text) == stop


def test_a_drivers_hash_number_is_a_stop_not_a_code() -> None:
    entities = resolve_entities("#17 not home, 15 min behind", audience="driver", now=NOW)
    assert (entities.stop, entities.access_code, entities.delay_minutes) == (17, None, 15)
    assert entities.after is None


def test_a_customer_message_with_two_requests_yields_both() -> None:
    entities = resolve_entities("can u come tmrw after 5, lockbox 9981, its 12 Birch Lane", now=NOW)
    assert entities.date == date(2026, 11, 19)
    assert (entities.after, entities.access_code, entities.address) == (
        "17:00",
        "9981",
        "12 Birch Lane",
    )


@pytest.mark.parametrize(
    ("text", "asked", "ruled_out"),
    [
        ("we're closed the 24th, gate code 4512#, can you come today", date(2026, 11, 18), [24]),
        ("not home friday or saturday, 12 Birch Lane", None, [20, 21]),
        ("el lunes estamos cerrados, ¿el martes?", date(2026, 11, 24), [23]),
    ],
)
def test_the_days_a_customer_rules_out_come_with_the_entities(
    text: str, asked: date | None, ruled_out: list[int]
) -> None:
    entities = resolve_entities(text, now=NOW)
    assert entities.date == asked
    assert entities.ruled_out == tuple(date(2026, 11, day) for day in ruled_out)


def test_the_days_ruled_out_survive_a_request_kept_while_the_delivery_is_asked_for() -> None:
    entities = resolve_entities("can't do monday or tuesday, wednesday after 2", now=NOW)
    kept = Entities.from_json(json.loads(json.dumps(entities.as_json())))
    assert kept == entities and kept.ruled_out == (date(2026, 11, 23), date(2026, 11, 24))


def test_the_other_days_named_survive_a_request_kept_while_the_delivery_is_asked_for() -> None:
    entities = resolve_entities("thursday or friday, gate code 4512#", now=NOW)
    kept = Entities.from_json(json.loads(json.dumps(entities.as_json())))
    assert kept == entities and (kept.date, kept.alternatives) == (
        date(2026, 11, 19),
        (date(2026, 11, 20),),
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("donde esta mi paquete", "es"),
        ("¿cuándo llega?", "es"),
        ("mañana por la tarde porfa", "es"),
        ("gracias!!", "es"),
        ("where is my pakage", "en"),
        ("can u come monday", "en"),
        ("no", "en"),
        ("👍", "en"),
        ("DS20461187", "en"),
    ],
)
def test_language(text: str, language: str) -> None:
    assert detect_language(text) == language
