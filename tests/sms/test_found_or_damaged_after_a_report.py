"""After a missing or damaged package is reported: the package turns up (the claim is closed),
a damage report comes in the answer to "Still missing?", the damaged item is kept until the
claims team asks for it, and photos promised are asked for here and added to the claim.

The NLU's readings below are what the trained model makes of these texts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sms_helpers import NOW, Phone, Says, count, rows, seed_delivery

from actions.changes import Turn
from actions.claims import file_claim
from bot.app import create_app
from data.models import Claim, DeliveryException, OutboxEvent
from data.types import ClaimStatus, DeliveryStatus, ExceptionStatus

DELIVERED = {
    "status": DeliveryStatus.DELIVERED,
    "delivered_at": datetime(2025, 3, 3, 19, 14, tzinfo=UTC),
    "pod_photo_urls": ["https://pod.example/p/abc.jpg"],
}
PHOTO = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"


async def _missing_claim_opened(maria, sms_services, nlu) -> None:
    nlu.script["it says delivered but i don't see it anywhere"] = Says("report_missing_package")
    nlu.script["i checked the porch and the back door, nothing"] = Says("deny", 0.5)
    await seed_delivery(sms_services, **DELIVERED)
    assert "Still missing?" in await maria.says("it says delivered but I don't see it anywhere")
    assert "opened a claim" in await maria.says("i checked the porch and the back door, nothing")


# --- the package turns up after a missing-package claim ----------------------------------------


@pytest.mark.parametrize(
    ("text", "nlu_reads"),
    [
        ("ok found it behind the planter lol nevermind", Says("nlu_fallback", 0.09)),
        ("i found it, never mind", Says("deny", 0.85)),
        ("nvm it was at my neighbors", Says("deny", 0.43)),
        ("got it, it was in the mailroom", Says("report_damaged_package", 0.57)),
        ("my wife picked it up, sorry", Says("hold_for_pickup", 0.9)),
        ("package was in the lobby the whole time", Says("report_damaged_package", 0.74)),
    ],
)
async def test_found_after_the_claim_closes_it_as_withdrawn(
    maria, sms_services, nlu, text, nlu_reads
):
    await _missing_claim_opened(maria, sms_services, nlu)
    nlu.script[text] = nlu_reads
    maria.now += timedelta(minutes=20)
    reply = await maria.says(text)
    assert "Glad you found it" in reply and "closed the claim for DS20461187" in reply, reply
    [claim] = await rows(sms_services, Claim)
    assert claim.status == ClaimStatus.CLOSED and claim.resolved_at == maria.now
    [case] = await rows(sms_services, DeliveryException)
    assert case.id == claim.exception_id and case.status == ExceptionStatus.RESOLVED
    assert case.details["resolution"] == "withdrawn_by_customer"
    assert case.details["customer_words"] == text
    assert await count(sms_services, OutboxEvent, OutboxEvent.topic == "claim.closed") == 1


async def test_found_said_twice_closes_the_claim_once(maria, sms_services, nlu):
    await _missing_claim_opened(maria, sms_services, nlu)
    nlu.script["found it!"] = Says("affirm", 0.34)
    assert "closed the claim" in await maria.says("found it!")
    assert "Glad to hear it" in await maria.says("found it!")
    [claim] = await rows(sms_services, Claim)
    assert claim.status == ClaimStatus.CLOSED
    for topic in ("claim.closed", "exception.resolved"):
        assert await count(sms_services, OutboxEvent, OutboxEvent.topic == topic) == 1


@pytest.mark.parametrize(
    ("text", "nlu_reads"),
    [
        ("ya lo encontré", Says("affirm", 0.32, language="es")),
        ("lo tenía el vecino", Says("out_of_scope", 0.55, language="es")),
    ],
)
async def test_found_in_spanish_closes_a_claim_on_record_in_a_new_conversation(
    maria, sms_services, nlu, text, nlu_reads
):
    # Opened in a conversation long gone (or by dispatch): the record says it is open.
    delivery_id = await seed_delivery(sms_services, **DELIVERED)
    async with sms_services.sessions() as session, session.begin():
        case = DeliveryException(delivery_id=delivery_id, type="claim", reason_code="missing")
        session.add(case)
        await session.flush()
        session.add(Claim(delivery_id=delivery_id, exception_id=case.id, kind="missing"))
    nlu.script[text] = nlu_reads
    reply = await maria.says(text)
    assert "Cerramos el reclamo de DS20461187" in reply, reply
    [claim] = await rows(sms_services, Claim)
    assert claim.status == ClaimStatus.CLOSED


@pytest.mark.parametrize(
    ("text", "nlu_reads"),
    [
        ("got it, thanks", Says("thank_you", 0.98)),  # heard, not found
        ("never mind", Says("deny", 0.9)),
        ("still haven't found it", Says("report_missing_package", 0.9)),
    ],
)
async def test_words_that_do_not_say_it_was_found_leave_the_claim_open(
    maria, sms_services, nlu, text, nlu_reads
):
    await _missing_claim_opened(maria, sms_services, nlu)
    nlu.script[text] = nlu_reads
    assert "closed the claim" not in await maria.says(text)
    [claim] = await rows(sms_services, Claim)
    assert claim.status == ClaimStatus.OPEN


async def test_found_without_a_claim_is_glad_and_closes_nothing(maria, sms_services, nlu):
    nlu.script["it says delivered but i don't see it anywhere"] = Says("report_missing_package")
    nlu.script["found it behind the planter"] = Says("nlu_fallback", 0.2)
    await seed_delivery(sms_services, **DELIVERED)
    await maria.says("it says delivered but I don't see it anywhere")
    assert "Glad to hear it" in await maria.says("found it behind the planter")
    assert await count(sms_services, Claim) == 0
    assert await count(sms_services, OutboxEvent, OutboxEvent.topic == "claim.closed") == 0


@pytest.mark.parametrize(
    "text", ["it says delivered but I don't see it anywhere", "my package was stolen"]
)
async def test_missing_said_again_after_the_claim_says_where_the_claim_stands(
    maria, sms_services, nlu, text
):
    await _missing_claim_opened(maria, sms_services, nlu)
    nlu.script["my package was stolen"] = Says("report_missing_package", 0.9)
    maria.now += timedelta(hours=3)
    reply = await maria.says(text)
    assert "claim for DS20461187 is open" in reply and "Still missing" not in reply, reply
    assert await count(sms_services, Claim) == 1
    assert await count(sms_services, DeliveryException) == 1


async def test_a_claim_filed_twice_is_one_claim(sms_services):
    """The action is idempotent too: a claim of the same kind still open is the one."""
    delivery_id = await seed_delivery(sms_services, **DELIVERED)
    for sid in ("SM1", "SM2"):
        async with sms_services.sessions() as session, session.begin():
            turn = Turn("+12015550123", NOW, sid, "America/New_York", 2)
            await file_claim(
                session,
                turn,
                delivery_id=delivery_id,
                kind="missing",
                description="not here",
                evidence_urls=(),
                transcript=(),
            )
    assert await count(sms_services, Claim) == 1
    assert await count(sms_services, DeliveryException) == 1


# --- a damage report in the answer to "Still missing?" -------------------------------------


async def test_arrived_but_broken_in_the_answer_is_a_damage_report(maria, sms_services, nlu):
    nlu.script["it says delivered but i don't see it anywhere"] = Says("report_missing_package")
    text = "got my package today but the item inside is broken"
    nlu.script[text] = Says("report_damaged_package", 0.98)
    nlu.script[""] = Says("nlu_fallback", 0.2)
    await seed_delivery(sms_services, **DELIVERED)
    await maria.says("it says delivered but I don't see it anywhere")
    reply = await maria.says(text)
    assert "Glad it reached you" in reply and "photo of the damaged package" in reply, reply
    assert "Anything else" not in reply
    assert "opened a claim" in await maria.says("", media=[PHOTO])
    [claim] = await rows(sms_services, Claim)
    assert (claim.kind, claim.evidence_urls) == ("damaged", [PHOTO])


async def test_found_in_a_place_the_nlu_reads_as_damage_is_found(maria, sms_services, nlu):
    nlu.script["it says delivered but i don't see it anywhere"] = Says("report_missing_package")
    nlu.script["package was in the lobby the whole time"] = Says("report_damaged_package", 0.74)
    await seed_delivery(sms_services, **DELIVERED)
    await maria.says("it says delivered but I don't see it anywhere")
    assert "Glad to hear it" in await maria.says("package was in the lobby the whole time")
    assert await count(sms_services, Claim) == 0


async def test_found_damaged_after_a_missing_claim_closes_it_and_asks_for_a_photo(
    maria, sms_services, nlu
):
    await _missing_claim_opened(maria, sms_services, nlu)
    nlu.script["found it but the box is crushed"] = Says("report_damaged_package", 0.97)
    reply = await maria.says("found it but the box is crushed")
    assert "closed the claim for DS20461187." in reply and "photo of the damaged" in reply
    [claim] = await rows(sms_services, Claim)
    assert (claim.kind, claim.status) == ("missing", ClaimStatus.CLOSED)


# --- the damaged item: keep it; photos: send them here --------------------------------------


async def _damage_claim_opened_without_a_photo(maria, sms_services, nlu, language="en") -> None:
    report, details = {
        "en": ("my package arrived broken", "the screen is cracked"),
        "es": ("mi paquete llego roto", "la pantalla esta rota"),
    }[language]
    nlu.script[report] = Says("report_damaged_package", language=language)
    nlu.script[details] = Says("report_damaged_package", language=language)
    await seed_delivery(sms_services, **DELIVERED)
    await maria.says(report)
    assert "DS20461187" in await maria.says(details)
    [claim] = await rows(sms_services, Claim)
    assert claim.status == ClaimStatus.AWAITING_EVIDENCE


@pytest.mark.parametrize(
    ("text", "nlu_reads"),
    [
        ("do I need to send it back?", Says("refuse_delivery", 0.91)),
        ("should I return it?", Says("refuse_delivery", 0.88)),
        ("what do I do with the broken one", Says("nlu_fallback", 0.09)),
        ("do you want it back?", Says("refuse_delivery", 0.42)),
        ("can I throw it away?", Says("nlu_fallback", 0.25)),
    ],
)
async def test_asking_whether_to_return_the_damaged_item_is_told_to_keep_it(
    maria, sms_services, nlu, text, nlu_reads
):
    await _damage_claim_opened_without_a_photo(maria, sms_services, nlu)
    nlu.script[text] = nlu_reads
    reply = await maria.says(text)
    assert "keep the item and all its packaging until our claims team contacts you" in reply
    assert "refused" not in reply
    assert await count(sms_services, DeliveryException) == 1  # the claim's case, nothing new
    [claim] = await rows(sms_services, Claim)
    assert claim.status == ClaimStatus.AWAITING_EVIDENCE  # still the photo it waits for


async def test_asking_whether_to_return_it_in_spanish(maria, sms_services, nlu):
    await _damage_claim_opened_without_a_photo(maria, sms_services, nlu, language="es")
    nlu.script["¿lo tengo que devolver?"] = Says("nlu_fallback", 0.23, language="es")
    reply = await maria.says("¿lo tengo que devolver?")
    assert "guarde el articulo y todo su empaque" in reply, reply


async def test_asking_to_return_it_while_the_photo_is_asked_keeps_the_question(
    maria, sms_services, nlu
):
    nlu.script["my package arrived broken"] = Says("report_damaged_package")
    nlu.script["do i need to send it back?"] = Says("refuse_delivery", 0.91)
    nlu.script[""] = Says("nlu_fallback", 0.2)
    await seed_delivery(sms_services, **DELIVERED)
    assert "photo" in await maria.says("my package arrived broken")
    reply = await maria.says("do I need to send it back?")
    assert "keep the item and all its packaging for now" in reply and "photo" in reply, reply
    assert "opened a claim" in await maria.says("", media=[PHOTO])
    [claim] = await rows(sms_services, Claim)
    assert claim.evidence_urls == [PHOTO]


async def test_asking_to_return_it_after_the_photo_question_was_left_asks_for_it_again(
    maria, sms_services, nlu
):
    nlu.script["my package arrived broken"] = Says("report_damaged_package")
    nlu.script["should i return it?"] = Says("refuse_delivery", 0.88)
    await seed_delivery(sms_services, **DELIVERED)
    await maria.says("my package arrived broken")
    await maria.says("hmm")  # not understood: the photo asked again
    await maria.says("zzz")  # the question left (and, twice not understood, a person told)
    reply = await maria.says("should I return it?")
    assert "keep the item and all its packaging for now" in reply and "photo" in reply, reply
    assert "can't be refused" not in reply
    assert "opened a claim" in await maria.says("", media=[PHOTO])


@pytest.mark.parametrize(
    ("text", "nlu_reads", "language", "said"),
    [
        ("yes I have pictures", Says("affirm", 0.72), "en", "send the photos here"),
        ("i have photos", Says("goodbye", 0.62), "en", "send the photos here"),
        ("sí tengo fotos", Says("affirm", 0.36, language="es"), "es", "envie las fotos aqui"),
    ],
)
async def test_photos_promised_after_the_claim_are_asked_for_here_and_added(
    maria, sms_services, nlu, text, nlu_reads, language, said
):
    await _damage_claim_opened_without_a_photo(maria, sms_services, nlu, language=language)
    nlu.script[text] = nlu_reads
    nlu.script[""] = Says("nlu_fallback", 0.2)
    reply = await maria.says(text)
    assert said in reply and "DS20461187" in reply, reply
    added = await maria.says("", media=[PHOTO])
    assert "DS20461187" in added and ("added" in added or "agregamos" in added), added
    [claim] = await rows(sms_services, Claim)
    assert claim.evidence_urls == [PHOTO] and claim.status == ClaimStatus.OPEN
    [case] = await rows(sms_services, DeliveryException)
    assert case.details["evidence_urls"] == [PHOTO]
    await maria.says("", media=[PHOTO])  # the same photo again: not added twice
    [claim] = await rows(sms_services, Claim)
    assert claim.evidence_urls == [PHOTO]


async def test_sending_back_another_package_is_still_a_refusal_of_that_one(
    maria, sms_services, nlu
):
    await _damage_claim_opened_without_a_photo(maria, sms_services, nlu)
    await seed_delivery(sms_services, tracking="DS77", status=DeliveryStatus.SCHEDULED)
    nlu.script["ds77: send it back, i don't want it"] = Says(
        "refuse_delivery", entities={"tracking_number": "DS77"}
    )
    reply = await maria.says("DS77: send it back, I don't want it")
    assert "keep the item" not in reply and "DS77" in reply, reply


async def test_without_a_damage_report_sending_it_back_is_still_a_refusal(maria, sms_services, nlu):
    nlu.script["do i need to send it back?"] = Says("refuse_delivery", 0.91)
    await seed_delivery(sms_services, status=DeliveryStatus.SCHEDULED)
    assert "keep the item" not in await maria.says("do I need to send it back?")


async def test_the_claims_record_on_both_stores(sms_services_any_db):
    """Closed as withdrawn, photos added: what dispatch reads, on SQLite and PostgreSQL."""
    services = sms_services_any_db
    services.nlu.script.update(
        {
            "ds20461187": Says("inform", entities={"tracking_number": "DS20461187"}),
            "ds2": Says("inform", entities={"tracking_number": "DS2"}),
            "missing": Says("report_missing_package"),
            "yes": Says("affirm"),
            "found it": Says("affirm", 0.34),
            "broken": Says("report_damaged_package"),
            "the lid is cracked": Says("report_damaged_package"),
            "": Says("nlu_fallback", 0.2),
        }
    )
    await seed_delivery(services, **DELIVERED)
    await seed_delivery(services, tracking="DS2", **DELIVERED)
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(services=services)),
        base_url="http://app.internal",
    )
    customer = Phone(client, services, "+12015550123")
    async with client:
        await customer.says("DS20461187")
        await customer.says("missing")
        assert "opened a claim for DS20461187" in await customer.says("yes")
        assert "closed the claim" in await customer.says("found it")
        await customer.says("DS2")
        await customer.says("broken")
        assert "opened a claim for DS2." in await customer.says("the lid is cracked")
        assert "added your photo" in await customer.says("", media=[PHOTO])
    missing, damaged = await rows(services, Claim)
    assert (missing.kind, missing.status) == ("missing", ClaimStatus.CLOSED)
    assert (damaged.kind, damaged.status, damaged.evidence_urls) == (
        "damaged",
        ClaimStatus.OPEN,
        [PHOTO],
    )
    cases = {case.id: case for case in await rows(services, DeliveryException)}
    assert cases[missing.exception_id].status == ExceptionStatus.RESOLVED
    assert cases[damaged.exception_id].details["evidence_urls"] == [PHOTO]
