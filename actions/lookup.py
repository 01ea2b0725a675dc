"""Reads for one turn: the facts a flow decides over (plain values, no ORM objects leak out)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from data.models import Claim, Contact, Delivery, Route, RouteStop
from data.types import ClaimStatus, DeliveryStatus
from flows.model import DeliveryFacts, Load
from flows.policy import Policy

GONE = (DeliveryStatus.RETURNED, DeliveryStatus.CANCELLED)
RECENT_DELIVERED_DAYS = 30
# A claim still being worked on: what a customer asking "any update on my claim?" means.
CLAIM_IN_PROGRESS = (ClaimStatus.AWAITING_EVIDENCE, ClaimStatus.OPEN, ClaimStatus.SUBMITTED)
OCCUPYING = (
    DeliveryStatus.CREATED,
    DeliveryStatus.SCHEDULED,
    DeliveryStatus.OUT_FOR_DELIVERY,
    DeliveryStatus.ARRIVING,
)


async def deliveries_for(
    session: AsyncSession,
    *,
    phone: str,
    verified_ids: tuple[int, ...],
    now: datetime,
    policy: Policy,
) -> list[DeliveryFacts]:
    """Deliveries on this phone (still relevant), plus those it proved it may see."""
    recent = now - timedelta(days=RECENT_DELIVERED_DAYS)
    on_phone = and_(
        Delivery.phone == phone,
        Delivery.status.not_in(GONE),
        or_(
            Delivery.status != DeliveryStatus.DELIVERED,
            Delivery.delivered_at.is_(None),
            Delivery.delivered_at >= recent,
        ),
    )
    where = or_(on_phone, Delivery.id.in_(verified_ids)) if verified_ids else on_phone
    rows = await session.execute(
        select(Delivery, Route.service_date, Route.driver_id, RouteStop.sequence)
        .outerjoin(Route, Route.id == Delivery.route_id)
        .outerjoin(
            RouteStop,
            and_(RouteStop.delivery_id == Delivery.id, RouteStop.route_id == Delivery.route_id),
        )
        .where(where)
        .order_by(Delivery.id)
        .limit(20)
    )
    rows = rows.all()
    claims = await _claims_in_progress(session, [row[0].id for row in rows])
    today = now.astimezone(ZoneInfo(policy.timezone)).date()
    facts = []
    for delivery, route_date, driver_id, sequence in rows:
        stops_away = None
        if delivery.status in (DeliveryStatus.OUT_FOR_DELIVERY, DeliveryStatus.ARRIVING):
            stops_away = await _stops_before(session, delivery.route_id, sequence)
        facts.append(
            to_facts(
                delivery,
                today=today,
                route_date=route_date,
                driver_id=driver_id,
                stops_away=stops_away,
                on_this_phone=delivery.phone == phone,
                claim=claims.get(delivery.id),
            )
        )
    return facts


async def _claims_in_progress(
    session: AsyncSession, delivery_ids: list[int]
) -> dict[int, tuple[str, datetime]]:
    """Each delivery's newest claim still being worked on: (kind, opened at)."""
    if not delivery_ids:
        return {}
    found: dict[int, tuple[str, datetime]] = {}
    rows = await session.execute(
        select(Claim.delivery_id, Claim.kind, Claim.created_at)
        .where(Claim.delivery_id.in_(delivery_ids), Claim.status.in_(CLAIM_IN_PROGRESS))
        .order_by(Claim.created_at, Claim.id)
    )
    for delivery_id, kind, opened in rows:
        found[delivery_id] = (kind, opened)  # the newest wins
    return found


async def by_tracking(
    session: AsyncSession, tracking_number: str, *, now: datetime, policy: Policy
) -> DeliveryFacts | None:
    """A delivery by its tracking number (only ever shown after verification)."""
    delivery = await session.scalar(
        select(Delivery)
        .where(Delivery.tracking_number == tracking_number)
        .order_by(Delivery.id.desc())
        .limit(1)
    )
    if delivery is None:
        return None
    today = now.astimezone(ZoneInfo(policy.timezone)).date()
    return to_facts(
        delivery, today=today, route_date=None, driver_id=None, stops_away=None, on_this_phone=False
    )


async def booked_load(session: AsyncSession, *, now: datetime, policy: Policy) -> Load:
    """How many deliveries each day and window of the rebook horizon already holds."""
    today = now.astimezone(ZoneInfo(policy.timezone)).date()
    horizon = today + timedelta(days=policy.rebook_horizon_days + 1)
    rows = await session.execute(
        select(Delivery.service_date, Delivery.window_start, func.count())
        .where(
            Delivery.service_date >= today,
            Delivery.service_date <= horizon,
            Delivery.status.in_(OCCUPYING),
        )
        .group_by(Delivery.service_date, Delivery.window_start)
    )
    per_day: dict[date, int] = {}
    per_window: dict[datetime, int] = {}
    for service_date, window_start, count in rows:
        per_day[service_date] = per_day.get(service_date, 0) + count
        if window_start is not None:
            per_window[window_start] = per_window.get(window_start, 0) + count
    return Load(per_day=per_day, per_window=per_window)


async def contact_for(session: AsyncSession, phone: str) -> Contact:
    """The contact for this phone, created on first contact."""
    contact = await session.scalar(select(Contact).where(Contact.phone == phone))
    if contact is None:
        contact = Contact(phone=phone)
        session.add(contact)
        await session.flush()
    return contact


def to_facts(
    d: Delivery,
    *,
    today: date,
    route_date: date | None,
    driver_id: int | None,
    stops_away: int | None,
    on_this_phone: bool,
    claim: tuple[str, datetime] | None = None,
) -> DeliveryFacts:
    name = (d.recipient_name or "").split()
    return DeliveryFacts(
        id=d.id,
        tracking_number=d.tracking_number,
        status=str(d.status),
        timezone=d.timezone or "America/New_York",
        service_date=d.service_date,
        window_start=d.window_start,
        window_end=d.window_end,
        eta=d.eta,
        stops_away=stops_away,
        attempt_count=d.attempt_count or 0,
        failure_reason=d.failure_reason,
        address_corrected=_corrected_since_status(d),
        postal_code=d.postal_code,
        recipient_last_name=name[-1] if name else None,
        address_line1=d.address_line1,
        address_line2=d.address_line2,
        pod_photo_url=(d.pod_photo_urls or [None])[0],
        delivered_at=d.delivered_at,
        on_todays_route=route_date == today and d.route_id is not None,
        route_id=d.route_id,
        driver_id=driver_id,
        on_this_phone=on_this_phone,
        has_access_code=bool(d.access_code),
        has_instructions=bool(d.instructions),
        business_name=d.business_name if d.is_business else None,
        receiving_hours=d.receiving_hours if d.is_business else None,
        dock=d.dock if d.is_business else None,
        open_claim=claim[0] if claim else None,
        open_claim_at=claim[1] if claim else None,
    )


def _corrected_since_status(d: Delivery) -> bool:
    """The address was corrected since the delivery took its status: after a failed attempt,
    since that attempt (a correction before it is what the driver already tried)."""
    corrected, since = d.address_corrected_at, d.status_changed_at
    return corrected is not None and (since is None or corrected >= since)


async def _stops_before(
    session: AsyncSession, route_id: int | None, sequence: int | None
) -> int | None:
    if route_id is None or sequence is None:
        return None
    # Stops still to serve before this one: not completed, and their delivery still pending
    # (a delivered or failed stop may not have completed_at set by every delivery system).
    return await session.scalar(
        select(func.count())
        .select_from(RouteStop)
        .join(Delivery, Delivery.id == RouteStop.delivery_id)
        .where(
            RouteStop.route_id == route_id,
            RouteStop.sequence < sequence,
            RouteStop.completed_at.is_(None),
            Delivery.status.in_(OCCUPYING),
        )
    )
