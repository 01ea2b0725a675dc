"""Apply a flow's decision: every action, in the caller's one transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from actions import changes
from actions.changes import Turn
from actions.claims import add_evidence, file_claim, withdraw_claim
from actions.exceptions import open_exception
from flows.model import (
    Action,
    AddClaimEvidence,
    FileClaim,
    HoldForPickup,
    OpenException,
    Reschedule,
    ReturnToSender,
    SaveInstructions,
    UpdateAddress,
    VerificationFailed,
    WithdrawClaim,
)


async def apply_actions(
    session: AsyncSession, turn: Turn, actions: tuple[Action, ...], *, transcript
) -> None:
    """Run each action; VerificationFailed is Redis-side and left to the caller."""
    for n, action in enumerate(actions):
        match action:
            case Reschedule():
                await changes.reschedule(
                    session,
                    turn,
                    n,
                    delivery_id=action.delivery_id,
                    start=action.window_start,
                    end=action.window_end,
                )
            case UpdateAddress():
                await changes.update_address(
                    session,
                    turn,
                    n,
                    delivery_id=action.delivery_id,
                    line1=action.address_line1,
                    line2=action.address_line2,
                )
            case SaveInstructions():
                await changes.save_instructions(
                    session,
                    turn,
                    n,
                    delivery_id=action.delivery_id,
                    instructions=action.instructions,
                    access_code=action.access_code,
                )
            case ReturnToSender():
                await changes.return_to_sender(session, turn, n, delivery_id=action.delivery_id)
            case HoldForPickup():
                await changes.hold_for_pickup(session, turn, n, delivery_id=action.delivery_id)
            case FileClaim():
                await file_claim(
                    session,
                    turn,
                    delivery_id=action.delivery_id,
                    kind=action.kind,
                    description=action.description,
                    evidence_urls=action.evidence_urls,
                    transcript=transcript,
                )
            case WithdrawClaim():
                await withdraw_claim(
                    session,
                    turn,
                    delivery_id=action.delivery_id,
                    kind=action.kind,
                    customer_words=action.customer_words,
                )
            case AddClaimEvidence():
                await add_evidence(
                    session,
                    turn,
                    delivery_id=action.delivery_id,
                    kind=action.kind,
                    urls=action.evidence_urls,
                )
            case OpenException():
                await open_exception(
                    session,
                    delivery_id=action.delivery_id,
                    type=action.type,
                    reason_code=action.reason_code,
                    summary=action.summary,
                    phone=turn.phone,
                    transcript=action.transcript or transcript,
                    now=turn.now,
                    conversation_id=turn.conversation_id,
                )
            case VerificationFailed():
                pass
