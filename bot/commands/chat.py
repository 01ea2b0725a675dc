"""`doorstep chat`: text the running app as a customer, signed as Twilio signs, like `rasa shell`.

Interactive: `doorstep chat --phone +12015550101`. Scripted: `doorstep chat --script convo.yml
--json` plays turns and prints each reply, then the deliveries involved as they now stand in the
store (read directly through DATABASE_URL). A script is YAML or JSON:

    now: "2025-03-04T10:00:00-05:00"      # optional; needs ALLOW_CLOCK_OVERRIDE=true on the app
    turns:
      - {phone: "+12015550101", text: "where is my package"}
      - {phone: "+12015550101", text: "", media_urls: ["https://example.com/box.jpg"]}
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from pathlib import Path
from typing import Any

import httpx
import typer
import yaml

from bot.settings import Settings, get_settings
from bot.sms.signature import sign
from data.phones import to_e164

WEBHOOK = "/twilio/sms"


def chat(
    phone: str | None = typer.Option(None, help="Text as this customer (E.164 or US number)."),
    url: str | None = typer.Option(None, help="The app's base URL (default: PUBLIC_BASE_URL)."),
    script: Path | None = typer.Option(None, help="Play a YAML/JSON conversation instead."),
    as_json: bool = typer.Option(False, "--json", help="Print the script's result as JSON."),
    now: str | None = typer.Option(None, help="The clock for every turn (ISO 8601)."),
) -> None:
    """Text Doorstep as a customer and see its replies."""
    settings = get_settings()
    base = (url or settings.public_base_url).rstrip("/")
    if script is not None:
        result = play(settings, base, _load(script), now=now)
        if as_json:
            typer.echo(json.dumps(result, indent=2, default=str))
        else:
            for turn in result["turns"]:
                typer.echo(f"{turn['phone']} > {turn['text']}\nDoorstep > {turn['reply']}")
        return
    if phone is None:
        raise typer.BadParameter("give --phone for a conversation, or --script FILE")
    number = to_e164(phone)
    typer.echo(f"Texting {base} as {number}. Ctrl-D or /quit to stop.")
    with httpx.Client(timeout=20) as client:
        while True:
            try:
                text = input(f"{number} > ")
            except EOFError:
                break
            if text.strip() in ("/quit", "/exit"):
                break
            reply = send(client, settings, base, number, text, now=now)
            typer.echo(f"Doorstep > {reply or '(no reply)'}")


def send(
    client: httpx.Client,
    settings: Settings,
    base: str,
    phone: str,
    text: str,
    *,
    media_urls: list[str] | None = None,
    now: str | None = None,
) -> str:
    """One SMS through the webhook, signed for PUBLIC_BASE_URL; the reply text ('' for none)."""
    params = {
        "MessageSid": "SM" + secrets.token_hex(16),
        "AccountSid": settings.twilio_account_sid,
        "From": phone,
        "To": settings.twilio_from_number,
        "Body": text,
        "NumMedia": str(len(media_urls or [])),
    }
    for i, media in enumerate(media_urls or []):
        params[f"MediaUrl{i}"] = media
    headers = {"X-Twilio-Signature": sign(settings, settings.public_base_url + WEBHOOK, params)}
    if now:
        headers["X-Doorstep-Now"] = now
    response = client.post(base + WEBHOOK, data=params, headers=headers)
    if response.status_code != 200:
        raise typer.Exit(_refused(response))
    return twiml_text(response.text)


def twiml_text(xml: str) -> str:
    found = re.search(r"<Message>(.*?)</Message>", xml, re.S)
    if not found:
        return ""
    text = found.group(1)
    for entity, char in (
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", '"'),
        ("&apos;", "'"),
        ("&amp;", "&"),
    ):
        text = text.replace(entity, char)
    return text


def play(settings: Settings, base: str, script: dict[str, Any], *, now: str | None) -> dict:
    """Every turn of the script, then the deliveries of the phones and tracking numbers in it."""
    clock = now or script.get("now")
    turns = []
    with httpx.Client(timeout=20) as client:
        for turn in script.get("turns", []):
            phone = to_e164(str(turn["phone"]))
            reply = send(
                client,
                settings,
                base,
                phone,
                str(turn.get("text", "")),
                media_urls=turn.get("media_urls"),
                now=turn.get("now") or clock,
            )
            turns.append({"phone": phone, "text": turn.get("text", ""), "reply": reply})
    phones = sorted({t["phone"] for t in turns})
    mentioned = sorted(
        {m.upper() for t in turns for m in re.findall(r"\b[A-Z]{2}\d{8}\b", t["text"], re.I)}
    )
    deliveries = asyncio.run(_deliveries(settings, phones, mentioned))
    return {"turns": turns, "deliveries": deliveries}


async def _deliveries(settings: Settings, phones: list[str], tracking: list[str]) -> list[dict]:
    from sqlalchemy import or_, select

    from data.db import create_engine, create_sessionmaker
    from data.models import Claim, Delivery, DeliveryException

    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            found = list(
                await session.scalars(
                    select(Delivery)
                    .where(or_(Delivery.phone.in_(phones), Delivery.tracking_number.in_(tracking)))
                    .order_by(Delivery.id)
                )
            )
            ids = [d.id for d in found]
            cases = list(
                await session.scalars(
                    select(DeliveryException).where(DeliveryException.delivery_id.in_(ids))
                )
            )
            claims = list(await session.scalars(select(Claim).where(Claim.delivery_id.in_(ids))))
    finally:
        await engine.dispose()
    return [
        {
            "tracking_number": d.tracking_number,
            "phone": d.phone,
            "status": str(d.status),
            "attempt_count": d.attempt_count,
            "service_date": d.service_date,
            "window_start": d.window_start,
            "window_end": d.window_end,
            "route_id": d.route_id,
            "address": d.address_one_line,
            "instructions": d.instructions,
            "has_access_code": bool(d.access_code),  # the code itself stays with the driver
            "exceptions": [
                {"type": c.type, "reason_code": c.reason_code, "status": str(c.status)}
                for c in cases
                if c.delivery_id == d.id
            ],
            "claims": [
                {"kind": c.kind, "status": str(c.status), "evidence": len(c.evidence_urls)}
                for c in claims
                if c.delivery_id == d.id
            ],
        }
        for d in found
    ]


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML too
    if isinstance(data, list):
        data = {"turns": data}
    if not isinstance(data, dict) or not isinstance(data.get("turns"), list):
        raise typer.BadParameter(f"{path}: expected a list of turns or {{turns: [...]}}")
    return data


def _refused(response: httpx.Response) -> str:
    if response.status_code == 403:
        return (
            "the app refused the signature: run chat with the app's TWILIO_AUTH_TOKEN and "
            "PUBLIC_BASE_URL (same .env)"
        )
    return f"the app answered {response.status_code}: {response.text[:200]}"
