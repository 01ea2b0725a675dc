"""Questions after a claim was opened, answered from the claims on record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sms_helpers import NOW, Says, count, rows, seed_delivery

from data.models import Claim
from data.types import DeliveryStatus
from flows.conversation import decide
from flows.model import ConversationState, DeliveryFacts, Facts
from flows.policy import Policy
from nlu.understanding import Understanding

DELIVERED = {
    "status": DeliveryStatus.DELIVERED,
    "delivered_at": datetime(2025, 3, 3, 19, 14, tzinfo=UTC),
    "pod_photo_urls": ["https://pod.example/p/abc.jpg"],
}


async def _a_missing_claim_opened(maria, sms_services, nlu) -> None:
    nlu.script["it says delivered but it's not here"] = Says("report_missing_package")
    nlu.script["yes"] = Says("affirm")
    await seed_delivery(sms_services, **DELIVERED)
    await maria.says("it says delivered but it's not here")
    assert "opened a claim" in await maria.says("yes")


@pytest.mark.parametrize(
    ("text", "nlu_reads"),
    [
        ("how long will the claim take?", Says("out_of_scope", confidence=0.76)),
        ("any update on my claim?", Says("where_is_my_package", confidence=0.98)),
        ("when will i hear back about the claim", Says("give_delivery_instructions", 0.65)),
        ("how long does this take", Says("help", confidence=0.4)),
    ],
)
async def test_a_question_about_the_open_claim_is_answered_from_the_record(
    maria, sms_services, nlu, text, nlu_reads
):
    await _a_missing_claim_opened(maria, sms_services, nlu)
    nlu.script[text] = nlu_reads
    maria.now += timedelta(minutes=30)
    reply = await maria.says(text)
    assert "DS20461187" in reply and "is open" in reply, reply
    assert "Tue Mar 4 at 10am" in reply  # when it was opened
    hours = sms_services.settings.human_response_hours
    assert f"within {hours} hours" in reply
    assert await count(sms_services, Claim) == 1  # asking about it opens no second claim


async def test_a_claim_opened_elsewhere_is_answered_from_the_claims_record(
    maria, sms_services, nlu
):
    # Opened by dispatch, or in a conversation long gone: this conversation knows nothing of it.
    delivery_id = await seed_delivery(sms_services, **DELIVERED)
    async with sms_services.sessions() as session, session.begin():
        session.add(Claim(delivery_id=delivery_id, kind="missing", description="not there"))
    nlu.script["any update on my claim?"] = Says("where_is_my_package", confidence=0.98)
    reply = await maria.says("any update on my claim?")
    assert "claim for DS20461187 is open" in reply, reply
    assert await count(sms_services, Claim) == 1


async def test_a_question_about_the_claim_in_spanish_is_answered_in_spanish(
    maria, sms_services, nlu
):
    await _a_missing_claim_opened(maria, sms_services, nlu)
    nlu.script["alguna novedad sobre mi reclamo?"] = Says("nlu_fallback", 0.25, language="es")
    reply = await maria.says("alguna novedad sobre mi reclamo?")
    assert "reclamo por DS20461187 esta abierto" in reply


async def test_after_a_claim_a_question_about_another_package_is_a_status_question(
    maria, sms_services, nlu
):
    await _a_missing_claim_opened(maria, sms_services, nlu)
    await seed_delivery(sms_services, tracking="DS77", status=DeliveryStatus.SCHEDULED)
    nlu.script["how long until ds77 arrives?"] = Says(
        "where_is_my_package", entities={"tracking_number": "DS77"}
    )
    reply = await maria.says("how long until DS77 arrives?")
    assert "DS77 is scheduled" in reply


async def test_without_a_claim_on_record_asking_about_one_is_not_answered_as_open(
    maria, sms_services, nlu
):
    nlu.script["any update on my claim?"] = Says("where_is_my_package", confidence=0.98)
    await seed_delivery(sms_services, **DELIVERED)
    assert "is open" not in await maria.says("any update on my claim?")


def test_a_claim_on_the_delivery_record_is_answered_without_this_conversation():
    opened = datetime(2025, 3, 2, 16, 0, tzinfo=UTC)
    d = DeliveryFacts(
        id=7,
        tracking_number="DS7",
        status="delivered",
        open_claim="damaged",
        open_claim_at=opened,
    )
    u = Understanding(text="any update on my claim?", intent="where_is_my_package", confidence=0.9)
    decision = decide(ConversationState(), u, Facts(text=u.text, deliveries=(d,)), NOW, Policy())
    assert decision.reply is not None and decision.reply.key == "claims.status"
    assert decision.reply.params["opened_at"] == opened and decision.actions == ()


async def test_a_refund_question_after_a_claim_is_answered_from_the_claim(maria, sms_services, nlu):
    await _a_missing_claim_opened(maria, sms_services, nlu)
    nlu.script["will i get a refund?"] = Says("out_of_scope", confidence=0.72)
    assert "claim for DS20461187 is open" in await maria.says("will i get a refund?")


async def test_a_damaged_box_read_as_missing_is_a_damage_claim(maria, sms_services, nlu):
    nlu.script["package was delivered but box was smashed"] = Says("report_missing_package")
    nlu.script["no photo, i tossed the box"] = Says("deny", confidence=0.5)
    await seed_delivery(sms_services, **DELIVERED)
    asked = await maria.says("package was delivered but box was smashed")
    assert "photo of the damaged package" in asked and "Still missing" not in asked
    assert "opened a claim" in await maria.says("no photo, I tossed the box")
    [claim] = await rows(sms_services, Claim)
    assert claim.kind == "damaged"
