"""`doorstep cases`: the exception cases dispatch has to work, read from the store.

Without a Slack workspace this is where a person sees what the assistant handed over: `doorstep
cases list` for the queue, `doorstep cases show ID` for one case with its delivery, the
customer's words and the whole conversation it came from. Phone numbers are masked in the
list; transcripts and messages are as recorded (access codes were redacted before they were
written).
"""

from __future__ import annotations

import asyncio
import enum
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import typer

app = typer.Typer(help="Exception cases for dispatch (read-only).", no_args_is_help=True)


class Shown(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    ALL = "all"


@app.command("list")
def list_cases(
    status: Shown = typer.Option(Shown.OPEN, help="Which cases."),
    limit: int = typer.Option(50, min=1, max=1000, help="How many, newest first."),
) -> None:
    """The cases, newest first: when, what, which delivery, who."""
    from rich.console import Console
    from rich.table import Table

    from bot.settings import get_settings
    from data.phones import mask_phone

    settings = get_settings()
    found = asyncio.run(_query(settings, _list, status, limit))
    zone = ZoneInfo(settings.operator_timezone)
    table = Table(title=f"{status.value} cases ({len(found)})")
    for column in ("id", "opened", "status", "type", "reason", "delivery", "phone", "summary"):
        table.add_column(column, overflow="fold")
    for case, tracking in found:
        table.add_row(
            str(case.id),
            _when(case.opened_at, zone),
            case.status.value,
            case.type,
            case.reason_code or "",
            tracking or "",
            mask_phone(case.details.get("phone") or "") if case.details.get("phone") else "",
            case.summary,
        )
    Console().print(table)


@app.command("show")
def show_case(
    case_id: int = typer.Argument(..., help="The case's id (from `cases list`)."),
) -> None:
    """One case: the delivery, the customer's words and the conversation it came from."""
    from rich.console import Console

    from bot.settings import get_settings

    settings = get_settings()
    found = asyncio.run(_query(settings, _one, case_id))
    if found is None:
        typer.echo(f"no case {case_id}", err=True)
        raise typer.Exit(1)
    case, delivery, messages = found
    zone = ZoneInfo(settings.operator_timezone)
    console = Console(highlight=False)
    console.print(
        f"[bold]case {case.id}[/bold]  {case.status.value}  {case.type} / {case.reason_code}"
    )
    console.print(f"opened {_when(case.opened_at, zone)}  owner {case.owner or '-'}")
    console.print(case.summary)
    if delivery is not None:
        address = (delivery.address_line1, delivery.address_line2, delivery.city)
        console.print(
            f"delivery {delivery.tracking_number}: {delivery.status.value}, "
            f"{delivery.recipient_name or 'recipient unknown'}, "
            + ", ".join(part for part in (*address, delivery.postal_code) if part)
        )
    if case.details.get("phone"):
        console.print(f"customer {case.details['phone']}")
    if messages:
        console.print("[bold]conversation[/bold]")
        for message in messages:
            who = "customer" if message.direction.value == "inbound" else "assistant"
            media = f"  [{len(message.media_urls)} photo(s)]" if message.media_urls else ""
            console.print(f"  {_when(message.created_at, zone)}  {who}: {message.body}{media}")
    elif case.details.get("transcript"):
        console.print("[bold]transcript[/bold]")
        for line in case.details["transcript"]:
            console.print(f"  {line.get('from')}: {line.get('text')}")


async def _query(settings, query, *args: Any) -> Any:  # noqa: ANN001
    from data.db import create_engine, create_sessionmaker

    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            return await query(session, *args)
    finally:
        await engine.dispose()


async def _list(session, status: Shown, limit: int) -> list:  # noqa: ANN001
    from sqlalchemy import select

    from data.models import Delivery, DeliveryException

    query = (
        select(DeliveryException, Delivery.tracking_number)
        .outerjoin(Delivery, Delivery.id == DeliveryException.delivery_id)
        .order_by(DeliveryException.opened_at.desc(), DeliveryException.id.desc())
        .limit(limit)
    )
    if status != Shown.ALL:
        query = query.where(DeliveryException.status == status.value)
    return list((await session.execute(query)).all())


async def _one(session, case_id: int) -> tuple | None:  # noqa: ANN001
    from sqlalchemy import select

    from data.models import Delivery, DeliveryException, Message

    case = await session.get(DeliveryException, case_id)
    if case is None:
        return None
    delivery = await session.get(Delivery, case.delivery_id) if case.delivery_id else None
    messages = []
    if case.details.get("conversation_id"):
        messages = list(
            await session.scalars(
                select(Message)
                .where(Message.conversation_id == case.details["conversation_id"])
                .order_by(Message.id)
            )
        )
    return case, delivery, messages


def _when(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%a %b %d %H:%M") if value else ""
