"""The claims team's promise (CLAIM_RESPONSE_BUSINESS_DAYS) is the operator's: every claim reply
says it, and a question about an open claim is answered with the day it falls due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sms_helpers import Says, seed_delivery

from bot.settings import Settings
from data.models import Claim
from data.types import DeliveryStatus
from flows.claims import answer_due
from flows.policy import Policy

DELIVERED = {
    "status": DeliveryStatus.DELIVERED,
    "delivered_at": datetime(2025, 3, 3, 19, 14, tzinfo=UTC),
    "pod_photo_urls": ["https://pod.example/p/abc.jpg"],
}
SAID = {  # how each language says the promise, by the number of days
    "en": {1: "within 1 business day", 4: "within 4 business days"},
    "es": {1: "en 1 dia habil", 4: "en 4 dias habiles"},
}


def _promise(sms_services, days: int) -> None:
    settings = sms_services.settings.model_copy(update={"claim_response_business_days": days})
    sms_services.settings = settings


def test_two_business_days_is_the_default_promise():
    assert Settings(_env_file=None).claim_response_business_days == 2
    assert Policy().claim_response_business_days == 2


@pytest.mark.parametrize("days", [1, 4])
@pytest.mark.parametrize(
    ("language", "missing", "still_missing"),
    [
        ("en", "it says delivered but it's not here", "yes still nothing"),
        ("es", "dice entregado pero no esta aqui", "si, no lo encuentro"),
    ],
)
async def test_a_missing_package_claim_says_the_operators_promise(
    maria, sms_services, nlu, days, language, missing, still_missing
):
    _promise(sms_services, days)
    nlu.script[missing] = Says("report_missing_package", language=language)
    nlu.script[still_missing] = Says("affirm", language=language)
    await seed_delivery(sms_services, **DELIVERED)
    await maria.says(missing)
    opened = await maria.says(still_missing)
    assert SAID[language][days] in opened, opened
    assert "2 business days" not in opened or days == 2


@pytest.mark.parametrize("days", [1, 4])
@pytest.mark.parametrize(
    ("language", "report", "no_photo"),
    [
        ("en", "the box arrived crushed", "sorry i already threw the box out"),
        ("es", "la caja llego aplastada", "no tengo foto, ya la tire"),
    ],
)
async def test_a_damage_claim_says_the_promise_with_a_photo_or_without(
    maria, sms_services, nlu, days, language, report, no_photo
):
    _promise(sms_services, days)
    nlu.script[report] = Says("report_damaged_package", language=language)
    nlu.script[no_photo] = Says("deny", confidence=0.5, language=language)
    await seed_delivery(sms_services, **DELIVERED)
    await maria.says(report)
    assert SAID[language][days] in await maria.says(no_photo)
    await seed_delivery(sms_services, tracking="DS555", **DELIVERED)
    nlu.script["ds555 came broken too"] = Says(
        "report_damaged_package", language=language, entities={"tracking_number": "DS555"}
    )
    with_photo = await maria.says("DS555 came broken too", media=["https://m.example/1.jpg"])
    assert "DS555" in with_photo and SAID[language][days] in with_photo, with_photo


# NOW is Tue Mar 4 2025, 10am in New York; a claim opened then with 4 business days is due the
# next Monday (Wed, Thu, Fri, then Mon: the weekend does not count).
@pytest.mark.parametrize(
    ("text", "nlu_reads", "said"),
    [
        (
            "how long will the claim take?",
            Says("out_of_scope", confidence=0.76),
            "by Mon Mar 10 at 10am (4 business days after opening it)",
        ),
        (
            "when will somebody get back to me about my claim",
            Says("where_is_my_package", confidence=0.7),
            "by Mon Mar 10 at 10am",
        ),
        ("any news on the refund?", Says("help", confidence=0.5), "by Mon Mar 10 at 10am"),
        (
            "cuanto tarda el reclamo?",
            Says("nlu_fallback", 0.25, language="es"),
            "a mas tardar el lun 10 mar a las 10am (4 dias habiles",
        ),
        (
            "hay noticias de mi caso?",
            Says("where_is_my_package", 0.8, language="es"),
            "a mas tardar el lun 10 mar a las 10am",
        ),
    ],
)
async def test_a_question_about_the_claim_says_who_answers_by_when(
    maria, sms_services, nlu, text, nlu_reads, said
):
    _promise(sms_services, 4)
    nlu.script["it says delivered but it's not here"] = Says("report_missing_package")
    nlu.script["yes"] = Says("affirm")
    await seed_delivery(sms_services, **DELIVERED)
    await maria.says("it says delivered but it's not here")
    await maria.says("yes")
    nlu.script[text] = nlu_reads
    maria.now += timedelta(hours=3)
    reply = await maria.says(text)
    assert said in reply, reply
    hours = sms_services.settings.human_response_hours
    assert f"{hours} hours" in reply or f"{hours} horas" in reply  # a person, sooner


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("any update on my claim?", "en", "should have contacted you by Mon Mar 3 at 11am"),
        ("nobody has contacted me about my claim", "en", "should have contacted you by Mon"),
        ("y mi reclamo? nadie me ha llamado", "es", "debia contactarle a mas tardar el lun 3 mar"),
    ],
)
async def test_a_claim_past_its_promise_says_so_and_offers_a_person(
    maria, sms_services, nlu, text, language, said
):
    delivery_id = await seed_delivery(sms_services, **DELIVERED)
    async with sms_services.sessions() as session, session.begin():  # opened Thu Feb 27, 11am
        opened = datetime(2025, 2, 27, 16, 0, tzinfo=UTC)
        session.add(Claim(delivery_id=delivery_id, kind="missing", created_at=opened))
    nlu.script[text] = Says("where_is_my_package", confidence=0.9, language=language)
    reply = await maria.says(text)
    assert said in reply, reply
    assert ("AGENT" in reply) if language == "en" else ("AGENTE" in reply)


@pytest.mark.parametrize(
    ("opened", "days", "due"),
    [
        (datetime(2025, 3, 4, 15, 0), 2, datetime(2025, 3, 6, 15, 0)),  # Tue 10am: Thu 10am
        (datetime(2025, 3, 7, 21, 0), 2, datetime(2025, 3, 11, 20, 0)),  # Fri 4pm: Tue 4pm
        (datetime(2025, 3, 8, 15, 0), 1, datetime(2025, 3, 10, 14, 0)),  # Sat: Mon
        (datetime(2025, 3, 7, 21, 0), 1, datetime(2025, 3, 10, 20, 0)),  # Fri: Mon
    ],
)
def test_the_promise_counts_business_days_in_the_operators_time(opened, days, due):
    # UTC in, New York out; the clocks change on Sun Mar 9, 2025 (4pm is 21:00, then 20:00 UTC).
    policy = Policy(claim_response_business_days=days)
    assert answer_due(opened.replace(tzinfo=UTC), policy) == due.replace(tzinfo=UTC)


async def _a_claim_opened(maria, sms_services, nlu, language: str = "en") -> None:
    missing = {"en": "it says delivered but it's not here", "es": "dice entregado pero no esta"}
    yes = {"en": "yes", "es": "si"}
    nlu.script[missing[language]] = Says("report_missing_package", language=language)
    nlu.script[yes[language]] = Says("affirm", language=language)
    await seed_delivery(sms_services, **DELIVERED)
    await maria.says(missing[language])
    opened = await maria.says(yes[language])
    assert "opened a claim" in opened or "Abrimos un reclamo" in opened


@pytest.mark.parametrize(
    ("text", "nlu_reads", "said"),
    [
        ("ok, and when will someone get back to me?", Says("request_human", 0.74), "by Thu Mar 6"),
        ("when will someone contact me", Says("request_human", 0.59), "by Thu Mar 6"),
        ("how long until someone calls me about it", Says("request_human", 0.94), "by Thu Mar 6"),
        ("cuando me van a contactar?", Says("nlu_fallback", 0.24, language="es"), "jue 6 mar"),
    ],
)
async def test_when_someone_will_answer_is_said_from_the_claim_not_handed_off(
    maria, sms_services, nlu, text, nlu_reads, said
):
    await _a_claim_opened(maria, sms_services, nlu, nlu_reads.language)
    nlu.script[text] = nlu_reads
    reply = await maria.says(text)
    assert said in reply and "AGENT" in reply, reply  # a person sooner, if they want one


@pytest.mark.parametrize(
    ("text", "nlu_reads"),
    [
        ("I want to talk to someone", Says("request_human", 0.97)),
        ("when will someone contact me", Says("request_human", 0.59)),  # no claim asked after
    ],
)
async def test_asking_for_a_person_still_reaches_one(maria, sms_services, nlu, text, nlu_reads):
    if text.startswith("I want"):
        await _a_claim_opened(maria, sms_services, nlu)
    else:
        await seed_delivery(sms_services, **DELIVERED)
    nlu.script[text.lower()] = nlu_reads
    assert "A person from our team will text you back" in await maria.says(text)
