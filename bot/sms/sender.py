"""The SMS outbox sender: pending outbound Message rows go out (console by default, or Twilio).

Replies that are not the immediate TwiML answer are queued as Message rows (status pending) in
the transaction that decided them (actions.messages.queue_message); `send_pending` hands them
over after commit. Opted-out contacts are suppressed; Twilio's 21610 marks them opted out.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select

from actions.consent import TWILIO_UNSUBSCRIBED, mirror_carrier_opt_out
from bot.metrics import OUTBOUND_MESSAGES
from bot.services import Services
from bot.settings import Settings
from data.db import transaction
from data.models import Contact, Message
from data.phones import mask_phone
from data.types import Channel, Direction, MessageStatus

log = logging.getLogger("doorstep.sms.sender")
MAX_ATTEMPTS = 5


class SendFailed(Exception):
    def __init__(self, code: str | None, message: str) -> None:
        super().__init__(message)
        self.code = code


class Sender(Protocol):
    async def send(self, *, to: str, body: str, media_urls: list[str]) -> str:
        """Hand the SMS over; its provider id (MessageSid). SendFailed on refusal."""


class ConsoleSender:
    """Logs the SMS instead of sending it (the default, for development and demos)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, *, to: str, body: str, media_urls: list[str]) -> str:
        self.sent.append((to, body))
        log.info("SMS to %s: %s", mask_phone(to), body)
        # Unique across restarts: provider ids are unique per channel in the store.
        return f"console-{uuid.uuid4().hex}"


class TwilioSender:
    """twilio.rest.Client.messages.create, off the event loop."""

    def __init__(self, settings: Settings) -> None:
        from twilio.rest import Client

        self.settings = settings
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token)
        if settings.twilio_api_base_url:
            self.client.api.base_url = settings.twilio_api_base_url

    async def send(self, *, to: str, body: str, media_urls: list[str]) -> str:
        from twilio.base.exceptions import TwilioRestException

        sender = (
            {"messaging_service_sid": self.settings.twilio_messaging_service_sid}
            if self.settings.twilio_messaging_service_sid
            else {"from_": self.settings.twilio_from_number}
        )
        callback = self.settings.public_base_url.rstrip("/") + "/twilio/status"
        try:
            message = await asyncio.to_thread(
                self.client.messages.create,
                to=to,
                body=body,
                media_url=media_urls or None,
                status_callback=callback,
                **sender,
            )
        except TwilioRestException as exc:
            raise SendFailed(str(exc.code) if exc.code else None, exc.msg or str(exc)) from exc
        return message.sid


def sender_for(settings: Settings) -> Sender:
    return TwilioSender(settings) if settings.sms_sender == "twilio" else ConsoleSender()


async def send_pending(
    services: Services, sender: Sender, *, now: datetime, limit: int = 50
) -> int:
    """Send what is due; returns how many were handed over."""
    async with services.sessions() as session:
        due = list(
            await session.scalars(
                select(Message.id)
                .where(
                    Message.channel == Channel.SMS,
                    Message.direction == Direction.OUTBOUND,
                    Message.status == MessageStatus.PENDING,
                    Message.next_attempt_at <= now,
                )
                .order_by(Message.id)
                .limit(limit)
            )
        )
    sent = 0
    for message_id in due:
        sent += await _send_one(services, sender, message_id, now=now)
    return sent


async def _send_one(services: Services, sender: Sender, message_id: int, *, now: datetime) -> int:
    async with transaction(services.sessions) as session:
        message = await session.get(Message, message_id, with_for_update=True)
        if message is None or message.status != MessageStatus.PENDING:
            return 0
        opted_out = await session.scalar(
            select(Contact.opted_out).where(Contact.phone == message.phone)
        )
        if opted_out:
            message.status = MessageStatus.SUPPRESSED
            OUTBOUND_MESSAGES.labels(status=MessageStatus.SUPPRESSED).inc()
            return 0
        message.attempts += 1
        try:
            message.provider_id = await sender.send(
                to=message.phone, body=message.body, media_urls=list(message.media_urls or [])
            )
        except SendFailed as failed:
            message.error_code = failed.code
            if failed.code == TWILIO_UNSUBSCRIBED:
                message.status = MessageStatus.SUPPRESSED
                await mirror_carrier_opt_out(session, message, now=now)
                OUTBOUND_MESSAGES.labels(status=MessageStatus.SUPPRESSED).inc()
            elif message.attempts >= MAX_ATTEMPTS:
                message.status = MessageStatus.FAILED
                OUTBOUND_MESSAGES.labels(status=MessageStatus.FAILED).inc()
            else:
                message.next_attempt_at = now + timedelta(seconds=30 * 2**message.attempts)
            return 0
        message.status = MessageStatus.QUEUED
        OUTBOUND_MESSAGES.labels(status=MessageStatus.QUEUED).inc()  # handed to the provider
        return 1
