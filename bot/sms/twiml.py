"""The TwiML answer to Twilio: one message, or none (an empty <Response/>)."""

from __future__ import annotations

from starlette.responses import Response
from twilio.twiml.messaging_response import MessagingResponse


def twiml(text: str | None) -> Response:
    answer = MessagingResponse()
    if text:
        answer.message(text)
    return Response(str(answer), media_type="application/xml")
