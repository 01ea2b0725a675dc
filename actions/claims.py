"""File a claim for a missing or damaged package, with its evidence, and tell dispatch."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from actions.changes import Turn
from actions.exceptions import open_exception
from actions.lookup import CLAIM_IN_PROGRESS
from data.models import Claim, Delivery, DeliveryException
from data.outbox import add_event
from data.types import ClaimStatus, ExceptionStatus


async def file_claim(
    session: AsyncSession,
    turn: Turn,
    *,
    delivery_id: int,
    kind: str,
    description: str,
    evidence_urls: tuple[str, ...],
    transcript: tuple[tuple[str, str], ...],
) -> Claim:
    already = await _in_progress(session, delivery_id, kind)
    if already:  # reported again (another conversation, a retry): the claim open is the one
        if evidence_urls:
            await add_evidence(
                session, turn, delivery_id=delivery_id, kind=kind, urls=evidence_urls
            )
        return already[0]
    delivery = await session.get(Delivery, delivery_id)
    tracking = delivery.tracking_number if delivery else str(delivery_id)
    needs_photo = kind == "damaged" and not evidence_urls
    case = await open_exception(
        session,
        delivery_id=delivery_id,
        type="claim",
        reason_code=kind,
        summary=f"{tracking}: {kind} package claim from the customer"
        + (" (photo to follow)" if needs_photo else ""),
        phone=turn.phone,
        transcript=transcript,
        now=turn.now,
        conversation_id=turn.conversation_id,
        extra={"evidence_urls": list(evidence_urls)},
    )
    claim = Claim(
        delivery_id=delivery_id,
        exception_id=case.id,
        kind=kind,
        status=ClaimStatus.AWAITING_EVIDENCE if needs_photo else ClaimStatus.OPEN,
        description=description,
        evidence_urls=list(evidence_urls),
        declared_value=delivery.declared_value if delivery else None,
        created_at=turn.now,  # opened when its case was: the turn's time
        updated_at=turn.now,
    )
    session.add(claim)
    await session.flush()
    add_event(
        session,
        "claim.opened",
        {"claim_id": claim.id, "delivery_id": delivery_id, "kind": kind},
        key=str(delivery_id),
    )
    return claim


async def withdraw_claim(
    session: AsyncSession, turn: Turn, *, delivery_id: int, kind: str, customer_words: str
) -> list[Claim]:
    """The customer found the package: the claim is closed as withdrawn and its case resolved,
    with their words, so dispatch stops working it. Claims already closed are left as they are
    (a second "found it" changes nothing)."""
    closed = await _in_progress(session, delivery_id, kind)
    for claim in closed:
        claim.status = ClaimStatus.CLOSED
        claim.resolved_at = turn.now
        claim.updated_at = turn.now
        resolution = {"resolution": "withdrawn_by_customer", "customer_words": customer_words}
        case = await session.get(DeliveryException, claim.exception_id or 0)
        if case is not None and case.status != ExceptionStatus.RESOLVED:
            case.status = ExceptionStatus.RESOLVED
            case.resolved_at = turn.now
            case.next_escalation_at = None
            case.details = {**(case.details or {}), **resolution}  # a new dict: JSON is saved
            add_event(
                session,
                "exception.resolved",
                {
                    "exception_id": case.id,
                    "delivery_id": delivery_id,
                    "source": "sms",
                    **resolution,
                },
                key=str(delivery_id),
            )
        add_event(
            session,
            "claim.closed",
            {"claim_id": claim.id, "delivery_id": delivery_id, "kind": kind, **resolution},
            key=str(delivery_id),
        )
    return closed


async def add_evidence(
    session: AsyncSession, turn: Turn, *, delivery_id: int, kind: str, urls: tuple[str, ...]
) -> list[Claim]:
    """Photos for the claim open on this delivery: added to it (and its case), and a claim that
    waited for a photo is open to be worked."""
    claims = await _in_progress(session, delivery_id, kind)
    for claim in claims:
        added = [url for url in urls if url not in (claim.evidence_urls or [])]
        if not added:
            continue  # the same photos again (a retried webhook)
        claim.evidence_urls = [*(claim.evidence_urls or []), *added]
        if claim.status == ClaimStatus.AWAITING_EVIDENCE:
            claim.status = ClaimStatus.OPEN
        claim.updated_at = turn.now
        case = await session.get(DeliveryException, claim.exception_id or 0)
        if case is not None:
            evidence = [*(case.details or {}).get("evidence_urls", []), *added]
            case.details = {**(case.details or {}), "evidence_urls": evidence}
        add_event(
            session,
            "claim.evidence_added",
            {"claim_id": claim.id, "delivery_id": delivery_id, "evidence_urls": added},
            key=str(delivery_id),
        )
    return claims


async def _in_progress(session: AsyncSession, delivery_id: int, kind: str) -> list[Claim]:
    """This delivery's claims of this kind still being worked on, oldest first."""
    found = await session.scalars(
        select(Claim)
        .where(
            Claim.delivery_id == delivery_id,
            Claim.kind == kind,
            Claim.status.in_(CLAIM_IN_PROGRESS),
        )
        .order_by(Claim.id)
    )
    return list(found)
