"""A customer's phone for tests: signed webhook requests, seeded deliveries, a scripted NLU."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func, select

from bot.services import Services
from bot.sms.signature import sign
from data.models import Carrier, Delivery, Driver, Route, RouteStop
from data.types import DeliveryStatus
from nlu.timeparse import parse_when
from nlu.understanding import Entities, NluUnavailable, Understanding

# Tuesday 2025-03-04 10:00 in New York.
NOW = datetime(2025, 3, 4, 15, 0, tzinfo=UTC)
_sids = itertools.count(1)


@dataclass
class Says:
    """What the scripted NLU makes of one text."""

    intent: str
    confidence: float = 0.95
    language: str = "en"
    entities: dict[str, Any] = field(default_factory=dict)


def proposes(text: str) -> Says:
    """A rebook naming a day and time, with the entities the NLU reads in it at NOW."""
    when = parse_when(text, NOW.astimezone(ZoneInfo("America/New_York")).replace(tzinfo=None))
    entities = {
        "date": when.date,
        "after": when.after,
        "before": when.before,
        "ruled_out": when.ruled_out,
        "hours_ruled_out": when.hours_ruled_out,
    }
    return Says("reschedule_delivery", entities=entities)


class ScriptedNlu:
    """NluClient's interface; answers from a script (flows and actions stay real)."""

    def __init__(self, script: dict[str, Says] | None = None) -> None:
        self.script = dict(script or {})
        self.down = False
        self.delay = 0.0

    async def parse(self, text: str, *, audience: str = "customer", now: datetime, tz: str):
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        if self.down:
            raise NluUnavailable("scripted outage")
        says = self.script.get(text.strip().lower())
        if says is None:
            return Understanding(text=text, intent="nlu_fallback", confidence=0.2)
        return Understanding(
            text=text,
            intent=says.intent,
            confidence=says.confidence,
            language=says.language,
            entities=Entities(**says.entities),
        )

    async def ready(self) -> bool:
        return not self.down

    async def aclose(self) -> None:
        return None


class Phone:
    """A customer's phone texting the app through the signed Twilio webhook."""

    def __init__(self, client: httpx.AsyncClient, services: Services, number: str) -> None:
        self.client, self.services, self.number = client, services, number
        self.now = NOW

    async def post(
        self,
        text: str,
        *,
        media: list[str] | None = None,
        sid: str | None = None,
        signature: str | None = None,
        url: str = "/twilio/sms",
    ) -> httpx.Response:
        params = {
            "MessageSid": sid or f"SM{next(_sids):032d}",
            "AccountSid": self.services.settings.twilio_account_sid,
            "From": self.number,
            "To": self.services.settings.twilio_from_number,
            "Body": text,
            "NumMedia": str(len(media or [])),
        }
        for i, media_url in enumerate(media or []):
            params[f"MediaUrl{i}"] = media_url
            params[f"MediaContentType{i}"] = "image/jpeg"
        public = self.services.settings.public_base_url + url
        headers = {"X-Doorstep-Now": self.now.isoformat()}
        if signature != "":
            headers["X-Twilio-Signature"] = signature or sign(
                self.services.settings, public, params
            )
        return await self.client.post(url, data=params, headers=headers)

    async def says(self, text: str, **kwargs: Any) -> str:
        """The reply text ('' for no reply)."""
        response = await self.post(text, **kwargs)
        assert response.status_code == 200, response.text
        found = re.search(r"<Message>(.*)</Message>", response.text, re.S)
        return _unescape(found.group(1)) if found else ""


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


async def seed_delivery(
    services: Services,
    *,
    tracking: str = "DS20461187",
    phone: str | None = "+12015550123",
    status: DeliveryStatus = DeliveryStatus.SCHEDULED,
    recipient: str = "Maria Lopez",
    postal_code: str = "07030",
    attempts: int = 0,
    on_route_today: bool = False,
    stop: int = 5,
    **fields: Any,
) -> int:
    """A delivery (with carrier, and a route for today with a driver if asked); its id."""
    async with services.sessions() as session, session.begin():
        carrier = await session.scalar(select(Carrier).where(Carrier.code == "doorstep"))
        if carrier is None:
            carrier = Carrier(code="doorstep", name="Doorstep")
            session.add(carrier)
            await session.flush()
        start = datetime(2025, 3, 4, 19, 0, tzinfo=UTC)  # 2-4pm New York
        delivery = Delivery(
            carrier_id=carrier.id,
            tracking_number=tracking,
            recipient_name=recipient,
            phone=phone,
            address_line1="12 Hudson St",
            city="Hoboken",
            state="NJ",
            postal_code=postal_code,
            status=status,
            attempt_count=attempts,
            **{
                "service_date": date(2025, 3, 4),
                "window_start": start,
                "window_end": start + timedelta(hours=2),
                **fields,
            },
        )
        session.add(delivery)
        await session.flush()
        if on_route_today:
            driver = Driver(name="Sam Driver", slack_user_id=f"U{tracking}")
            session.add(driver)
            await session.flush()
            route = Route(driver_id=driver.id, service_date=date(2025, 3, 4), status="started")
            session.add(route)
            await session.flush()
            for seq in range(1, stop):
                other = Delivery(
                    carrier_id=carrier.id,
                    tracking_number=f"{tracking}X{seq}",
                    status=DeliveryStatus.OUT_FOR_DELIVERY,
                    route_id=route.id,
                )
                session.add(other)
                await session.flush()
                session.add(RouteStop(route_id=route.id, delivery_id=other.id, sequence=seq))
            delivery.route_id = route.id
            session.add(RouteStop(route_id=route.id, delivery_id=delivery.id, sequence=stop))
        return delivery.id


async def get_delivery(services: Services, delivery_id: int) -> Delivery:
    async with services.sessions() as session:
        return await session.get(Delivery, delivery_id)


async def count(services: Services, model: type, *where: Any) -> int:
    async with services.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def rows(services: Services, model: type, *where: Any) -> list:
    async with services.sessions() as session:
        return list(await session.scalars(select(model).where(*where)))
