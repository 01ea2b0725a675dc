"""File a claim for a missing or damaged package, with its evidence, and tell dispatch."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from actions.changes import Turn
from actions.exceptions import open_exception
from data.models import Claim, Delivery
from data.outbox import add_event
from data.types import ClaimStatus


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
