"""'What are my options?' right after a setback gets the choices that fit that delivery: after a
failed attempt, by why it failed; after 'it may not make it before you close', for today. Each
choice comes with the word to reply. Without such a setback just told, the general help stays."""

from __future__ import annotations

import pytest
from sms_helpers import Says, get_delivery, proposes, seed_delivery

from data.types import DeliveryStatus
from flows.options import asks_for_options

FAILED = {"status": DeliveryStatus.FAILED_ATTEMPT, "attempts": 1}
GENERAL_HELP = "I can track your package"
# Asked in the customers' words, with what the trained model reads in them.
ASKED_IN_ENGLISH = [
    ("what are my options?", Says("help", confidence=1.0)),
    ("what can I do?", Says("help", confidence=0.94)),
    ("so what now", Says("help", confidence=0.64)),
    ("now what?", Says("help", confidence=0.74)),
    ("is there anything I can do?", Says("help", confidence=0.48)),
    ("what should I do then", Says("help", confidence=0.83)),
    ("what do you suggest", Says("help", confidence=0.9)),
    ("ugh. ok what now??", Says("nlu_fallback", confidence=0.2)),
    ("and now?", Says("nlu_fallback", confidence=0.29)),
    ("what else can i do", Says("help", confidence=0.92)),
    ("can you do anything?", Says("out_of_scope", confidence=0.48)),
    ("what are the next steps", Says("give_delivery_instructions", confidence=0.43)),
    ("y ahora?", Says("affirm", confidence=0.67)),
]
ASKED_IN_SPANISH = [
    ("¿qué opciones tengo?", Says("help", confidence=0.35, language="es")),
    ("y ahora que hago?", Says("out_of_scope", confidence=0.41, language="es")),
    ("que puedo hacer?", Says("help", confidence=0.8, language="es")),
    ("cuales son mis opciones", Says("out_of_scope", confidence=0.73, language="es")),
    ("hay algo que pueda hacer?", Says("help", confidence=0.46, language="es")),
    ("que me recomienda?", Says("out_of_scope", confidence=0.69, language="es")),
    ("que sugieren?", Says("greet", confidence=0.39, language="es")),
    ("como lo soluciono?", Says("out_of_scope", confidence=0.77, language="es")),
]


async def _asks_where_it_is(maria, nlu, language: str = "en") -> str:
    asked = "where is my package" if language == "en" else "donde esta mi paquete"
    nlu.script[asked] = Says("where_is_my_package", language=language)
    return await maria.says(asked)


def _said(reply: str, said: list[str], not_said: list[str]) -> None:
    for words in said:
        assert words in reply, reply
    for words in not_said:
        assert words not in reply, reply


# --- after a failed attempt -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "nlu_reads"), ASKED_IN_ENGLISH)
async def test_after_a_failed_attempt_the_options_fit_it(maria, sms_services, nlu, text, nlu_reads):
    await seed_delivery(sms_services, failure_reason="recipient_unavailable", **FAILED)
    await _asks_where_it_is(maria, nlu)
    nlu.script[text] = nlu_reads
    reply = await maria.says(text)
    assert reply.startswith("Your options for DS20461187"), reply
    _said(reply, ["where to leave it", "RESCHEDULE", "HOLD", "1200 Commerce Way", "AGENT"], [])
    assert GENERAL_HELP not in reply


@pytest.mark.parametrize(("text", "nlu_reads"), ASKED_IN_SPANISH)
async def test_after_a_failed_attempt_the_options_are_in_spanish(
    maria, sms_services, nlu, text, nlu_reads
):
    await seed_delivery(sms_services, failure_reason="recipient_unavailable", **FAILED)
    await _asks_where_it_is(maria, nlu, "es")
    nlu.script[text] = nlu_reads
    reply = await maria.says(text)
    assert reply.startswith("Sus opciones para DS20461187"), reply
    _said(reply, ["donde dejarlo", "CAMBIAR", "RECOGER", "AGENTE"], ["RESCHEDULE", "Puedo"])


@pytest.mark.parametrize(
    ("reason", "fields", "said", "not_said"),
    [
        (
            "no_access",
            {},
            ["gate or door code", "where to leave it", "RESCHEDULE", "HOLD", "AGENT"],
            ["if it changed"],
        ),
        ("no_access", {"access_code": "4512"}, ["door code if it changed", "RESCHEDULE"], []),
        ("no_safe_location", {}, ["where to leave it", "RESCHEDULE", "HOLD"], ["code"]),
        ("business_closed", {}, ["RESCHEDULE", "HOLD", "AGENT"], ["where to leave", "code"]),
        (
            "address_incorrect_or_incomplete",
            {},
            ["full address", "HOLD", "AGENT"],
            ["RESCHEDULE", "where to leave"],
        ),
        ("refused", {}, ["RESCHEDULE", "AGENT"], ["HOLD", "where to leave"]),
        ("lost", {}, ["AGENT", "replacement or refund"], ["RESCHEDULE", "HOLD"]),
        ("damaged", {}, ["AGENT", "replacement or refund"], ["RESCHEDULE", "HOLD"]),
        ("weather_or_force_majeure", {}, ["RESCHEDULE", "HOLD", "AGENT"], ["where to leave"]),
        # After the third miss a person decides the next attempt: no RESCHEDULE to offer.
        ("recipient_unavailable", {"attempts": 3}, ["HOLD", "AGENT"], ["RESCHEDULE"]),
    ],
)
async def test_the_options_follow_why_it_failed(
    maria, sms_services, nlu, reason, fields, said, not_said
):
    await seed_delivery(sms_services, failure_reason=reason, **{**FAILED, **fields})
    await _asks_where_it_is(maria, nlu)
    nlu.script["what are my options?"] = Says("help", confidence=1.0)
    reply = await maria.says("what are my options?")
    assert reply.startswith("Your options for DS20461187"), reply
    _said(reply, said, not_said)


async def test_once_they_said_where_to_leave_it_the_options_do_not_ask_again(
    maria, sms_services, nlu
):
    await seed_delivery(sms_services, failure_reason="no_safe_location", **FAILED)
    await _asks_where_it_is(maria, nlu)
    nlu.script["leave it behind the side gate please"] = Says("give_delivery_instructions")
    nlu.script["ok what else can i do"] = Says("help", confidence=0.92)
    assert "saved" in await maria.says("leave it behind the side gate please")
    reply = await maria.says("ok what else can I do")
    _said(reply, ["Your options for DS20461187", "RESCHEDULE", "HOLD"], ["where to leave it"])


async def test_without_a_depot_in_the_policy_no_pickup_is_offered(maria, sms_services, nlu):
    sms_services.settings = sms_services.settings.model_copy(update={"depot_address": ""})
    await seed_delivery(sms_services, failure_reason="recipient_unavailable", **FAILED)
    await _asks_where_it_is(maria, nlu)
    nlu.script["what can i do?"] = Says("help", confidence=0.94)
    reply = await maria.says("what can I do?")
    _said(reply, ["RESCHEDULE", "AGENT"], ["HOLD", "depot"])


async def test_after_the_options_for_an_address_the_unit_alone_is_taken(maria, sms_services, nlu):
    delivery_id = await seed_delivery(
        sms_services, failure_reason="address_incorrect_or_incomplete", **FAILED
    )
    await _asks_where_it_is(maria, nlu)
    nlu.script["so what can i do"] = Says("help", confidence=0.7)
    nlu.script["its apt 4b"] = Says("inform", confidence=0.5)
    assert "full address" in await maria.says("so what can I do")
    assert "Done" in await maria.says("its apt 4B")
    assert (await get_delivery(sms_services, delivery_id)).address_line2 == "Apt 4B"


async def test_a_keyword_from_the_options_does_what_it_says(maria, sms_services, nlu):
    delivery_id = await seed_delivery(sms_services, failure_reason="business_closed", **FAILED)
    await _asks_where_it_is(maria, nlu, "es")
    nlu.script["que opciones hay?"] = Says("help", confidence=0.5, language="es")
    assert "RECOGER" in await maria.says("que opciones hay?")
    assert "queda para recoger" in await maria.says("RECOGER")
    assert (await get_delivery(sms_services, delivery_id)).status == "held_for_pickup"


async def test_while_windows_are_offered_the_offer_stays_open(maria, sms_services, nlu):
    await seed_delivery(sms_services, failure_reason="recipient_unavailable", **FAILED)
    await _asks_where_it_is(maria, nlu)
    assert "1)" in await maria.says("RESCHEDULE")
    nlu.script["what are my options?"] = Says("help", confidence=1.0)
    assert "Your options" not in await maria.says("what are my options?")  # the offer's reply


async def test_a_question_that_names_its_choice_is_that_request(maria, sms_services, nlu):
    await seed_delivery(sms_services, failure_reason="recipient_unavailable", **FAILED)
    await _asks_where_it_is(maria, nlu)
    text = "what can i do, can you bring it tomorrow after 2?"
    nlu.script[text] = proposes(text)
    reply = await maria.says(text)
    assert "Your options" not in reply and "Wed Mar 5" in reply, reply


# --- after "it may not make it before you close" -----------------------------------------------

CLOSES_AT_3 = "we close at 3 today, will it make it?"  # due 2-4pm: it may not
LEAVES_AT_1 = "i have to leave at 1 today, will it be here before?"  # due 2-4pm: no


@pytest.mark.parametrize("deadline", [CLOSES_AT_3, LEAVES_AT_1])
@pytest.mark.parametrize(("text", "nlu_reads"), ASKED_IN_ENGLISH[:4])
async def test_after_it_may_miss_their_time_the_options_are_for_today(
    maria, sms_services, nlu, deadline, text, nlu_reads
):
    nlu.script[deadline] = Says("where_is_my_package")
    await seed_delivery(sms_services)  # scheduled today, 2-4pm
    assert "RESCHEDULE" in await maria.says(deadline)
    nlu.script[text] = nlu_reads
    reply = await maria.says(text)
    assert reply.startswith("Your options for DS20461187"), reply
    said = ["RESCHEDULE", "HOLD", "where to leave it", "ask the driver to come before then"]
    _said(reply, said, [GENERAL_HELP])


async def test_a_package_on_the_van_offers_no_pickup_at_the_depot(maria, sms_services, nlu):
    nlu.script[CLOSES_AT_3] = Says("where_is_my_package")
    await seed_delivery(sms_services, status=DeliveryStatus.OUT_FOR_DELIVERY)
    await maria.says(CLOSES_AT_3)
    nlu.script["what are my options?"] = Says("help", confidence=1.0)
    reply = await maria.says("what are my options?")
    _said(reply, ["RESCHEDULE", "ask the driver", "AGENT"], ["HOLD"])


async def test_after_it_may_miss_their_closing_time_spanish_gets_spanish_options(
    maria, sms_services, nlu
):
    nlu.script["cerramos a las 3 hoy, llegara?"] = Says("where_is_my_package", language="es")
    nlu.script["¿y ahora qué?"] = Says("out_of_scope", confidence=0.5, language="es")
    await seed_delivery(sms_services)
    assert "CAMBIAR" in await maria.says("cerramos a las 3 hoy, llegara?")
    reply = await maria.says("¿y ahora qué?")
    _said(reply, ["Sus opciones", "CAMBIAR", "RECOGER", "le pedira al repartidor"], [])


async def test_read_as_a_rebook_what_can_i_do_still_gets_the_options(maria, sms_services, nlu):
    nlu.script[CLOSES_AT_3] = Says("where_is_my_package")
    text = "ok, I won't be home then. what can I do?"
    nlu.script[text] = Says("reschedule_delivery", confidence=0.66)
    await seed_delivery(sms_services)
    await maria.says(CLOSES_AT_3)
    assert (await maria.says(text)).startswith("Your options for DS20461187")


# --- no setback just told: the general help ----------------------------------------------------


async def test_without_a_setback_what_are_my_options_gets_the_general_help(
    maria, sms_services, nlu
):
    nlu.script["what are my options?"] = Says("help", confidence=1.0)
    nlu.script["where is my package"] = Says("where_is_my_package")
    await seed_delivery(sms_services, failure_reason="recipient_unavailable", **FAILED)
    assert GENERAL_HELP in await maria.says("what are my options?")  # nothing told yet


async def test_after_a_plain_status_what_can_i_do_gets_the_general_help(maria, sms_services, nlu):
    nlu.script["what can i do?"] = Says("help", confidence=0.94)
    await seed_delivery(sms_services)  # scheduled, nothing wrong
    assert "is scheduled" in await _asks_where_it_is(maria, nlu)
    assert GENERAL_HELP in await maria.says("what can I do?")


async def test_when_it_makes_it_in_time_the_general_help_stays(maria, sms_services, nlu):
    text = "we close at 5 today, will it make it?"
    nlu.script[text] = Says("where_is_my_package")
    nlu.script["what can i do?"] = Says("help", confidence=0.94)
    await seed_delivery(sms_services)
    assert (await maria.says(text)).startswith("Yes")
    assert GENERAL_HELP in await maria.says("what can I do?")


async def test_once_another_answer_was_given_the_options_are_not_for_the_old_setback(
    maria, sms_services, nlu
):
    nlu.script[CLOSES_AT_3] = Says("where_is_my_package")
    nlu.script["and where is it now?"] = Says("where_is_my_package")
    nlu.script["now what?"] = Says("help", confidence=0.74)
    await seed_delivery(sms_services)
    await maria.says(CLOSES_AT_3)
    assert "is scheduled" in await maria.says("and where is it now?")
    assert GENERAL_HELP in await maria.says("now what?")


# --- what asks for the options, and what does not ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "so what am I supposed to do",
        "any alternatives?",
        "is there another option",
        "how do I fix this",
        "what can be done",
        "ok what do we do now",
        "y entonces que?",
        "que hacemos?",
        "que tengo que hacer ahora",
        "que opcion tengo",
        "¿Qué alternativas hay?",
    ],
)
def test_other_ways_of_asking_what_to_do_ask_for_the_options(text):
    assert asks_for_options(text)


@pytest.mark.parametrize(
    "text",
    [
        "where is it now?",
        "I need it now",
        "what time will it come now",
        "option 2",
        "what can I do, can you bring it tomorrow?",  # names its choice: a rebook
        "what are my options for pickup at the depot",
        "my address changed, what can I do",
        "creo que puede llegar tarde",
        "a que hora pueden venir?",
        "que puedo hacer para cambiar la direccion?",
    ],
)
def test_status_questions_and_requests_that_name_a_choice_are_not_asked_options(text):
    assert not asks_for_options(text)
