"""Against the real Rasa server and the current model: bad input, audiences, the quality gates."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.settings import Settings
from nlu.client import NluClient
from nlu.evaluate import Report, evaluate, load_gates
from nlu.understanding import CUSTOMER_INTENTS, DRIVER_INTENTS

pytestmark = pytest.mark.rasa

NOW = datetime(2026, 11, 18, 10, 0)
TZ = "America/New_York"


@pytest.fixture
async def nlu(rasa_settings: Settings):  # noqa: ANN201
    client = NluClient(rasa_settings)
    yield client
    await client.aclose()


async def test_the_server_is_ready(nlu: NluClient) -> None:
    assert await nlu.ready()


async def test_a_customer_asking_to_rebook_is_understood(nlu: NluClient) -> None:
    result = await nlu.parse("can u come tmrw after 5", now=NOW, tz=TZ)
    assert result.intent == "reschedule_delivery"
    assert (result.entities.date.isoformat(), result.entities.after) == ("2026-11-19", "17:00")


async def test_a_driver_running_late_is_understood(nlu: NluClient) -> None:
    result = await nlu.parse("running half an hour behind", audience="driver", now=NOW, tz=TZ)
    assert result.intent == "running_late"
    assert result.entities.delay_minutes == 30


@pytest.mark.parametrize(
    "text",
    [
        # a business's receiving hours and dock: for the driver, not a status question
        "we close at 4 today, dock is in the back off Maple st",
        # not home, so leave it somewhere: where to leave it, not another day
        "no voy a estar en casa, pueden dejarlo en la puerta de atras",
        # what we hold: the instructions flow answers it (and never texts the code back)
        "what is the code you have on file",
        "does the driver have my gate code?",
    ],
)
async def test_receiving_notes_leave_it_notes_and_code_questions_are_instructions(
    nlu: NluClient, text: str
) -> None:
    result = await nlu.parse(text, now=NOW, tz=TZ)
    assert result.intent == "give_delivery_instructions"


async def test_a_business_closed_one_day_asking_for_another_is_rebooking(nlu: NluClient) -> None:
    text = "Can you deliver Monday instead? We're closed for inventory tomorrow"
    result = await nlu.parse(text, now=NOW, tz=TZ)
    assert result.intent == "reschedule_delivery"


@pytest.mark.parametrize(
    "text",
    ["where is my package", "running late", "gate code is 4512", "ok", "stop 12 not home"],
)
async def test_each_audience_gets_only_its_own_intents(nlu: NluClient, text: str) -> None:
    customer = await nlu.parse(text, audience="customer", now=NOW, tz=TZ)
    driver = await nlu.parse(text, audience="driver", now=NOW, tz=TZ)
    assert customer.intent in CUSTOMER_INTENTS | {"nlu_fallback"}
    assert driver.intent in DRIVER_INTENTS | {"nlu_fallback"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "😀😀😀🎉🎉",
        "\x00\x01\x02\x03\xff\xfe\x00\x10",
        "x" * 1600,
        "asdf qwer zxcv " * 107,
        "你好，我的包裹在哪里",
        "Привет, где моя посылка",
    ],
    ids=["empty", "emoji", "binary", "1600-chars", "keyboard-mash", "chinese", "russian"],
)
async def test_bad_input_is_a_low_confidence_fallback_never_an_error(
    nlu: NluClient, text: str
) -> None:
    result = await nlu.parse(text, now=NOW, tz=TZ)
    assert result.intent in ("out_of_scope", "nlu_fallback")
    if result.intent == "nlu_fallback":
        assert result.confidence < nlu.settings.nlu_confidence_threshold


async def test_nlu_quality_gates_on_the_held_out_sets(nlu: NluClient) -> None:
    """The same evaluation as `doorstep nlu test` (through the client), against the gates."""
    report: Report = await evaluate(nlu)
    missed = report.check(load_gates())
    figures = {k: round(v, 3) for k, v in report.figures().items() if v is not None}
    assert not missed, f"NLU quality gates missed: {missed}; figures {figures}; " + (
        f"first misses: {report.failures[:10]}"
    )
