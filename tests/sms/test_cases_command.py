"""`doorstep cases`: what the assistant handed to a person, readable without Slack."""

from __future__ import annotations

import asyncio

import pytest
from sms_helpers import Says, seed_delivery
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import get_settings


@pytest.fixture
def cli(sms_services, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sms_services.settings.database_url)
    monkeypatch.setenv("OPERATOR_TIMEZONE", "America/New_York")
    monkeypatch.setenv("COLUMNS", "250")
    get_settings.cache_clear()
    runner = CliRunner()

    async def run(*args: str):
        return await asyncio.to_thread(runner.invoke, app, ["cases", *args])

    yield run
    get_settings.cache_clear()


async def test_a_handed_off_conversation_is_listed_and_shown_with_its_thread(
    maria, sms_services, nlu, cli
):
    nlu.script["where is my package"] = Says("where_is_my_package")
    nlu.script["this is ridiculous, get me a human"] = Says("request_human")
    await seed_delivery(sms_services)
    await maria.says("where is my package")
    await maria.says("this is ridiculous, get me a human")

    listed = await cli("list")
    assert listed.exit_code == 0, listed.output
    assert "DS20461187" in listed.output and "customer_message" in listed.output
    assert "+12015550123" not in listed.output  # masked in the queue
    shown = await cli("show", "1")
    assert shown.exit_code == 0, shown.output
    assert "delivery DS20461187" in shown.output and "+12015550123" in shown.output
    lines = shown.output.splitlines()
    said = [line for line in lines if "customer:" in line or "assistant:" in line]
    assert len(said) == 4
    assert "where is my package" in said[0] and "get me a human" in said[2]


async def test_the_list_filters_by_status_and_unknown_cases_are_an_error(maria, sms_services, cli):
    assert "open cases (0)" in (await cli("list")).output
    bad = await cli("list", "--status", "closed-ish")
    assert bad.exit_code == 2 and "closed-ish" in bad.output
    missing = await cli("show", "99")
    assert missing.exit_code == 1 and "no case 99" in missing.output
