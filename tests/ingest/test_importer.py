"""`doorstep import`: the operator's files, imported once however often they are run."""
# ruff: noqa: E501 - CSV fixtures are kept as the operator writes them

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from data.ingest.importer.report import ImportFileError
from data.ingest.importer.run import import_file
from data.models import Delivery, DeliveryEvent, Driver, Route, RouteStop

DRIVERS = """external_id,name,phone,carrier
drv-7,Luis Ortega,(201) 555-0777,operator
drv-8,Mia Chen,201-555-0888,
"""
ROUTES = {
    "routes": [
        {"external_id": "R-NWK-07", "service_date": "2026-11-23", "driver_external_id": "drv-7"}
    ]
}
DELIVERIES = """tracking_number,recipient_name,phone,address_line1,city,state,postal_code,window_start,window_end,route_external_id,stop_sequence,access_code
ds-2046 1187,Dana Whitfield,(201) 555-0123,14 Orchard St,Hoboken,NJ,07030,2026-11-23 10:00,2026-11-23 12:00,R-NWK-07,1,2291
DS20461188,Ari Bell,not a phone,15 Orchard St,Hoboken,NJ,07030,,,,,
DS20461189,Sam Roe,2015550124,16 Orchard St,Hoboken,NJ,07030,2026-11-23 10:00,,,,
DS20461190,Lee Park,2015550127,17 Orchard St,Hoboken,NJ,07030,,,R-NOPE,,
DS20461191,Kim Vu,2015550128,18 Orchard St,Hoboken,NJ,07030,,,,,
"""


def _write(tmp_path: Path, name: str, content) -> Path:  # noqa: ANN001
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


async def _all(sessions, model):  # noqa: ANN001, ANN202
    async with sessions() as session:
        return list((await session.scalars(sa.select(model))).all())


async def _import_the_plan(sessions, settings, tmp_path: Path):  # noqa: ANN001, ANN202
    await import_file(sessions, _write(tmp_path, "drivers.csv", DRIVERS), settings=settings)
    await import_file(sessions, _write(tmp_path, "routes.json", ROUTES), settings=settings)
    return await import_file(
        sessions, _write(tmp_path, "deliveries.csv", DELIVERIES), settings=settings
    )


async def test_valid_rows_go_in_and_bad_ones_are_reported_by_row_and_field(
    sessions, db_settings, tmp_path
) -> None:
    report = await _import_the_plan(sessions, db_settings, tmp_path)

    assert [(b.row, b.field) for b in report.bad_rows] == [
        (3, "phone"),
        (4, "window_end"),
        (5, "route_external_id"),
    ]
    assert "not a phone number" in report.bad_rows[0].reason
    assert "import the routes first" in report.bad_rows[2].reason
    assert report.written == 2
    deliveries = {d.tracking_number: d for d in await _all(sessions, Delivery)}
    assert set(deliveries) == {"DS20461187", "DS20461191"}  # nothing of a bad row
    dana = deliveries["DS20461187"]
    assert dana.phone == "+12015550123" and dana.access_code == "2291"
    assert dana.status == "scheduled"
    assert dana.window_start.isoformat() == "2026-11-23T15:00:00+00:00"  # 10:00 in New York
    [stop] = await _all(sessions, RouteStop)
    assert stop.delivery_id == dana.id and stop.sequence == 1
    [route] = await _all(sessions, Route)
    drivers = {d.external_id: d for d in await _all(sessions, Driver)}
    assert route.driver_id == drivers["drv-7"].id
    assert drivers["drv-8"].phone == "+12015550888"


async def test_importing_the_same_files_again_changes_nothing(
    sessions, db_settings, tmp_path
) -> None:
    await _import_the_plan(sessions, db_settings, tmp_path)
    events_before = len(await _all(sessions, DeliveryEvent))

    again = await _import_the_plan(sessions, db_settings, tmp_path)

    assert again.events.applied == 0 and again.events.duplicates == 3
    assert len(await _all(sessions, DeliveryEvent)) == events_before
    assert len(await _all(sessions, Delivery)) == 2
    assert len(await _all(sessions, Driver)) == 2 and len(await _all(sessions, Route)) == 1


async def test_a_corrected_row_updates_the_delivery(sessions, db_settings, tmp_path) -> None:
    await _import_the_plan(sessions, db_settings, tmp_path)
    fixed = DELIVERIES.replace("Kim Vu", "Kim Vu-Tran")
    report = await import_file(sessions, _write(tmp_path, "d2.csv", fixed), settings=db_settings)
    assert report.events.applied == 1
    kim = [d for d in await _all(sessions, Delivery) if d.tracking_number == "DS20461191"][0]
    assert kim.recipient_name == "Kim Vu-Tran"


async def test_all_or_nothing_writes_nothing_when_a_row_is_bad(
    sessions, db_settings, tmp_path
) -> None:
    await import_file(sessions, _write(tmp_path, "drivers.csv", DRIVERS), settings=db_settings)
    await import_file(sessions, _write(tmp_path, "routes.json", ROUTES), settings=db_settings)
    report = await import_file(
        sessions,
        _write(tmp_path, "deliveries.csv", DELIVERIES),
        settings=db_settings,
        all_or_nothing=True,
    )
    assert report.bad_rows and report.written == 0
    assert await _all(sessions, Delivery) == []
    assert await _all(sessions, DeliveryEvent) == []


async def test_files_that_cannot_be_read_are_refused_whole(sessions, db_settings, tmp_path):
    cases = {
        "odd.csv": "colour,size\nred,9\n",
        "extra.csv": "tracking_number,favourite_colour\nDS20461187,red\n",
        "broken.json": "[{",
        "wrong.json": {"parcels": []},
    }
    for name, content in cases.items():
        with pytest.raises(ImportFileError):
            await import_file(sessions, _write(tmp_path, name, content), settings=db_settings)
    assert await _all(sessions, Delivery) == []


def test_the_command_prints_the_bad_rows_and_exits_non_zero(sqlite_settings, tmp_path, monkeypatch):
    from bot.cli import app
    from bot.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", sqlite_settings.database_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        drivers = runner.invoke(app, ["import", str(_write(tmp_path, "drivers.csv", DRIVERS))])
        assert drivers.exit_code == 0, drivers.output
        assert "drivers: 2 row(s) written of 2" in drivers.output
        bad = "external_id,name,phone\ndrv-9,,2015550999\n"
        result = runner.invoke(
            app, ["import", "--kind", "drivers", str(_write(tmp_path, "bad.csv", bad))]
        )
        assert result.exit_code == 1
        assert "name" in result.output and "1 bad row(s) not written" in result.output
    finally:
        get_settings.cache_clear()


# --- files as operators really export them ----------------------------------------------------


def _write_bytes(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


async def test_a_spreadsheet_export_with_bom_crlf_blank_lines_and_a_trailing_comma_imports(
    sessions, db_settings, tmp_path
) -> None:
    export = (
        "\ufeffexternal_id,name,phone,carrier,\r\n"
        'drv-7,"Ortega, Luis",(201) 555-0101,operator,\r\n'
        "\r\n"
        "drv-8,Mia Chen,201.555.0888,,\r\n"
        ",,,,\r\n"
    ).encode()
    report = await import_file(
        sessions, _write_bytes(tmp_path, "drivers.csv", export), settings=db_settings
    )
    assert report.ok and report.written == 2
    drivers = {d.external_id: d for d in await _all(sessions, Driver)}
    assert drivers["drv-7"].name == "Ortega, Luis"
    assert drivers["drv-7"].phone == "+12015550101"


async def test_a_row_its_event_would_refuse_is_a_bad_row_and_the_rest_go_in(
    sessions, db_settings, tmp_path
) -> None:
    long_note = "x" * 4001
    rows = (
        "tracking_number,recipient_name,window_start,window_end,instructions\n"
        "DS20461187,Dana Whitfield,2026-11-23 12:00,2026-11-23 10:00,\n"
        f"DS20461188,Ari Bell,,,{long_note}\n"
        "DS20461189,Sam\x00Roe,,,\n"
        "DS20461191,Kim Vu,,,ring twice\n"
    )
    report = await import_file(
        sessions, _write(tmp_path, "deliveries.csv", rows), settings=db_settings
    )
    assert [(b.row, b.field) for b in report.bad_rows] == [
        (2, "window_end"),
        (3, "instructions"),
        (4, "recipient_name"),
    ]
    assert "NUL" in report.bad_rows[2].reason
    assert [d.tracking_number for d in await _all(sessions, Delivery)] == ["DS20461191"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'external_id,name\ndrv-7,"Luis Ortega\ndrv-8,Mia Chen\n', "never closed"),
        (b"external_id,name\ndrv-7," + b"x" * 200_000 + b"\n", "line 2"),
        (b"name,phone\nLuis Ortega,2015550101\n", "need the column(s) external_id"),
        (b"external_id,name,\ndrv-7,Luis,oops\n", "no name in the header"),
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
    ],
)
async def test_a_broken_file_is_refused_whole_with_the_reason(
    sqlite_settings, tmp_path, content, reason
) -> None:
    from data.db import create_engine, create_sessionmaker

    engine = create_engine(sqlite_settings)
    try:
        with pytest.raises(ImportFileError, match=reason.replace("(", r"\(").replace(")", r"\)")):
            await import_file(
                create_sessionmaker(engine),
                _write_bytes(tmp_path, "drivers.csv", content),
                settings=sqlite_settings,
                kind="drivers",
            )
    finally:
        await engine.dispose()


async def test_a_directory_is_refused_with_the_reason(sqlite_settings, tmp_path) -> None:
    with pytest.raises(ImportFileError, match="is a directory"):
        await import_file(None, tmp_path, settings=sqlite_settings)  # type: ignore[arg-type]


async def test_reimporting_the_plan_keeps_what_its_empty_cells_leave_out(
    sessions, db_settings, tmp_path
) -> None:
    await import_file(sessions, _write(tmp_path, "drivers.csv", DRIVERS), settings=db_settings)
    await import_file(sessions, _write(tmp_path, "routes.json", ROUTES), settings=db_settings)
    async with sessions() as session, session.begin():
        await session.execute(
            sa.update(Driver).where(Driver.external_id == "drv-7").values(slack_user_id="U07LUIS")
        )
        await session.execute(sa.update(Route).values(status="started"))

    await import_file(sessions, _write(tmp_path, "drivers.csv", DRIVERS), settings=db_settings)
    await import_file(sessions, _write(tmp_path, "routes.json", ROUTES), settings=db_settings)

    drivers = {d.external_id: d for d in await _all(sessions, Driver)}
    assert drivers["drv-7"].slack_user_id == "U07LUIS"  # the file has no slack_user_id
    [route] = await _all(sessions, Route)
    assert route.status == "started"  # a re-imported plan does not send it back to planned
    assert route.driver_id == drivers["drv-7"].id


def test_the_command_says_when_the_store_is_not_migrated(tmp_path, monkeypatch) -> None:
    from bot.cli import app
    from bot.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["import", str(_write(tmp_path, "d.csv", DRIVERS))])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "doorstep db upgrade" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
