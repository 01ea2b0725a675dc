"""`doorstep demo-data`: a believable operator day in the store (see data/demo/)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import typer


def demo_data(
    day: str | None = typer.Option(
        None, "--date", help="Service date YYYY-MM-DD (default: today in OPERATOR_TIMEZONE)."
    ),
    at: str | None = typer.Option(
        None,
        "--at",
        help="Time of day HH:MM in OPERATOR_TIMEZONE to show the day at "
        "(default: now for today, 14:00 for another date).",
    ),
    seed: int = typer.Option(7, help="Same seed and date, same day (idempotent)."),
    deliveries: int = typer.Option(1000, min=75, max=20000, help="Deliveries in the day."),
    reset: bool = typer.Option(False, "--reset", help="Empty every table first."),
) -> None:
    """Create 3 carriers, 25 drivers with routes and 1,000 deliveries, with the day's events."""
    from bot.settings import get_settings

    settings = get_settings()
    zone = ZoneInfo(settings.operator_timezone)
    now = datetime.now(zone)
    try:
        service_date = date.fromisoformat(day) if day else now.date()
    except ValueError:
        raise typer.BadParameter(
            f"{day!r} is not a date like 2026-11-21", param_hint="--date"
        ) from None
    if at is not None:
        try:
            as_of = datetime.combine(service_date, time.fromisoformat(at), zone)
        except ValueError:
            raise typer.BadParameter(
                f"{at!r} is not a time like 14:30", param_hint="--at"
            ) from None
    else:
        from data.demo.plan import default_as_of

        as_of = default_as_of(service_date, settings.operator_timezone, now)
    asyncio.run(_load(settings, service_date, as_of, seed, deliveries, reset))


async def _load(settings, service_date, as_of, seed, deliveries, reset) -> None:  # noqa: ANN001
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.table import Table

    from data.db import create_engine, create_sessionmaker
    from data.demo.load import load_day, reset_store
    from data.demo.plan import plan_day

    console = Console()
    engine = create_engine(settings)
    sessions = create_sessionmaker(engine)
    try:
        if reset:
            await reset_store(sessions)
            console.print("store emptied")
        plan = plan_day(service_date=service_date, as_of=as_of, seed=seed, deliveries=deliveries)
        local = as_of.astimezone(ZoneInfo(settings.operator_timezone))
        console.print(
            f"Operator day {service_date} as of {local:%H:%M %Z}: {len(plan.drivers)} drivers, "
            f"{len(plan.routes)} routes, {len(plan.tracking_numbers)} deliveries, "
            f"{len(plan.events)} events so far"
        )
        with Progress(
            TextColumn("ingesting events"), BarColumn(), MofNCompleteColumn(), console=console
        ) as progress:
            task = progress.add_task("events", total=len(plan.events))
            summary = await load_day(
                sessions,
                plan,
                operator_timezone=settings.operator_timezone,
                operator_pattern=settings.operator_tracking_pattern,
                on_progress=lambda n: progress.advance(task, n),
            )
        console.print(
            f"applied {summary.applied}, already there {summary.duplicates}, "
            f"rejected {summary.rejected}"
        )
        mix = Table(title="Deliveries by status")
        mix.add_column("status")
        mix.add_column("deliveries", justify="right")
        for status, count in sorted(summary.statuses.items(), key=lambda kv: -kv[1]):
            mix.add_row(status, str(count))
        console.print(mix)

        from sqlalchemy import select

        from data.models import Delivery

        async with sessions() as session:
            statuses = dict(
                (
                    await session.execute(
                        select(Delivery.tracking_number, Delivery.status).where(
                            Delivery.tracking_number.in_([c.tracking_number for c in plan.showcase])
                        )
                    )
                ).all()
            )
        people = Table(title="Try them: doorstep chat --phone <phone>")
        for column in ("customer", "phone", "tracking number", "status", "story"):
            people.add_column(column)
        for customer in plan.showcase:
            status = statuses.get(customer.tracking_number)
            people.add_row(
                customer.name,
                customer.phone,
                customer.tracking_number,
                str(status.value if status is not None else "missing"),
                customer.story,
            )
        console.print(people)
    finally:
        await engine.dispose()
