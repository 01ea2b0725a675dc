"""Replies in the customer's language, from templates that fit in two SMS segments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sms_helpers import Says, rows, seed_delivery

from bot.sms.segments import segments
from bot.sms.templates import LANGUAGES, Templates
from data.models import Contact
from data.types import DeliveryStatus
from flows.model import Reply

LONG = {
    "tracking": "9400111899223197428490",
    "brand": "Doorstep Deliveries",
    "support": "support@doorstep.example or 1-800-555-0199",
    "hours": 24,
    "depot": "1200 Commerce Way, Newark, NJ 07114",
    "pod": "https://pod.doorstep.example/p/9400111899223197428490.jpg",
    "address": "12345 Martin Luther King Jr Blvd, Apt 1234",
    "delivered_at": datetime(2025, 12, 31, 23, 59, tzinfo=UTC),
    "eta": datetime(2025, 12, 31, 22, 45, tzinfo=UTC),
    "window_start": datetime(2025, 12, 31, 15, 0, tzinfo=UTC),
    "window_end": datetime(2025, 12, 31, 17, 0, tzinfo=UTC),
    "stops_away": 12,
    "dock": "Dock 2, rear alley, ring buzzer",
    "receiving": "Mon-Thu 8:30am-4:30pm, Fri 8:30am-2:30pm, Sat 9:30am-12:30pm",  # said hours too
    "day_hours": "11:30am-12:15pm",
    "reason": "address_incorrect_or_incomplete",
    "status": "return_to_sender",
    "delivered": "9400111899223197428491",
    "attempts": 2,
    "has_code": True,
    "changeable": True,  # the address on file, with how to correct it
    "on_route": True,
    "count": 3,
    "days": 10,
    "steps": ("code", "place", "reschedule", "hold", "person"),  # the most options offered
    "due": datetime(2025, 12, 31, 23, 59, tzinfo=UTC),
    "day": datetime(2025, 12, 28).date(),
    "choices": [
        ("9400111899223197428490", "failed_attempt"),
        ("9400111899223197428491", "out_for_delivery"),
        ("9400111899223197428492", "held_for_pickup"),
    ],
    "windows": [
        (
            datetime(2025, 12, 29, 15, tzinfo=UTC) + timedelta(days=d),
            datetime(2025, 12, 29, 17, tzinfo=UTC) + timedelta(days=d),
        )
        for d in range(3)
    ],
    # the longest lines of "where are my packages" (flows/several.py), and more not shown
    "packages": [
        {
            "tracking": f"940011189922319742849{n}",
            "status": status,
            "reason": reason,
            "delivered_at": datetime(2025, 12, 31, 23, 59, tzinfo=UTC),
            "eta": None,
            "window_start": datetime(2025, 12, 31, 15, 0, tzinfo=UTC),
            "window_end": datetime(2025, 12, 31, 17, 0, tzinfo=UTC),
            "tz": "America/New_York",
        }
        for n, (status, reason) in enumerate(
            [
                ("failed_attempt", "address_incorrect_or_incomplete"),
                ("return_to_sender", "held_for_payment_or_id"),
                ("out_for_delivery", None),
            ]
        )
    ],
    "more": 2,
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_renders_within_two_segments(language):
    templates = Templates()
    for key in templates.message_keys():
        text = templates.render(Reply(key, LONG), language)
        assert text, key
        assert segments(text) <= 2, f"{language} {key}: {segments(text)} segments: {text}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("question", ["rebook.confirm", "refuse.confirm"])
def test_a_question_asked_again_after_a_nudge_still_fits_two_segments(language, question):
    nudged = Reply("answers.yes_or_no", then=Reply(question, LONG))
    text = Templates().render(nudged, language)
    assert segments(text) <= 2, f"{language} {question}: {segments(text)} segments: {text}"


def test_both_languages_have_every_message():
    templates = Templates()
    spanish = {f"{s}.{n}" for s, names in templates.texts["es"].items() for n in names}
    assert set(templates.message_keys()) <= spanish


def test_segments_are_counted_by_encoding():
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2
    assert segments("á" * 70) == 1 and segments("á" * 71) == 2
    assert segments("ñ" * 160) == 1  # ñ is GSM-7
    assert segments("€" * 80) == 1 and segments("€" * 81) == 2


async def test_a_spanish_speaker_gets_spanish_and_it_is_remembered(maria, sms_services, nlu):
    nlu.script["¿dónde está mi paquete?"] = Says("where_is_my_package", language="es")
    nlu.script["ok"] = Says("affirm", confidence=0.2, language="en")
    await seed_delivery(
        sms_services, status=DeliveryStatus.OUT_FOR_DELIVERY, on_route_today=True, stop=3
    )
    assert "va en camino, a 2 paradas" in await maria.says("¿Dónde está mi paquete?")
    assert "Perdon" in await maria.says("ok")  # unsure of the language: keeps Spanish
    [contact] = await rows(sms_services, Contact)
    assert contact.language == "es"


async def test_a_spanish_speaker_picking_a_window_by_number_stays_in_spanish(
    maria, sms_services, nlu
):
    # The NLU calls a bare "2" English, and it is sure of the intent: the number shows no
    # language, so the conversation keeps the customer's.
    nlu.script["quiero cambiar la entrega"] = Says("reschedule_delivery", language="es")
    nlu.script["2"] = Says("inform", confidence=0.99, language="en")
    nlu.script["si"] = Says("affirm", language="es")
    await seed_delivery(sms_services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)
    assert "Responda" in await maria.says("quiero cambiar la entrega")
    confirm = await maria.says("2")
    assert confirm.startswith("¿Entregar") and "Responda SI" in confirm
    assert "Reply" not in confirm
    [contact] = await rows(sms_services, Contact)
    assert contact.language == "es"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_canonical_failure_reason_is_said_in_plain_words(language):
    from data.reason_codes import ReasonCode

    templates = Templates()
    failed = [k for k in templates.message_keys() if k.endswith("failed_attempt")]
    assert failed
    fallback = templates.render(Reply(failed[0], {**LONG, "reason": "other"}), language)
    for code in ReasonCode:
        for key in failed:
            text = templates.render(Reply(key, {**LONG, "reason": code.value}), language)
            assert segments(text) <= 2, f"{language} {key} {code}: {text}"
            if code is not ReasonCode.OTHER:
                assert text != fallback, f"{language}: no wording for {code}"


NY = "America/New_York"


def _ny(day: int, hour: int = 0, minute: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(2026, 11, day, hour, minute, tzinfo=ZoneInfo(NY))


@pytest.mark.parametrize(
    ("start", "end", "english", "spanish"),
    [
        (_ny(23, 14), _ny(23, 16), "Mon Nov 23, 2-4pm", "lun 23 nov, 2-4pm"),
        (_ny(23, 11), _ny(23, 13, 30), "Mon Nov 23, 11am-1:30pm", "lun 23 nov, 11am-1:30pm"),
        (_ny(23, 18), _ny(24, 0), "Mon Nov 23, 6pm-12am", "lun 23 nov, 6pm-12am"),
        # A carrier's estimate over several days (AfterShip datetime_min/datetime_max as dates).
        (_ny(23), _ny(25, 23, 59), "Mon Nov 23-Wed Nov 25", "lun 23 nov-mie 25 nov"),
        (_ny(23, 9), _ny(24, 17), "Mon Nov 23 9am-Tue Nov 24 5pm", "lun 23 nov 9am-mar 24 nov 5pm"),
        # Some time that day.
        (_ny(23), _ny(23, 23, 59), "Mon Nov 23", "lun 23 nov"),
    ],
)
def test_a_window_reads_as_its_days_and_hours(start, end, english, spanish):
    templates = Templates()
    params = {
        "tracking": "DS20461187",
        "window_start": start.astimezone(UTC),
        "window_end": end.astimezone(UTC),
        "dock": None,
        "tz": NY,
    }
    scheduled = Reply("status.scheduled", params)
    assert templates.render(scheduled, "en") == f"DS20461187 is scheduled for {english}."
    assert templates.render(scheduled, "es") == f"DS20461187 esta programado para {spanish}."
