"""Customers answer with a thumbs-up; junk never reaches the model."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from support import base_settings

from nlu.client import NluClient, emoji_reaction, is_gibberish

NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("👍", "affirm"),
        ("👍👍", "affirm"),
        ("👍🏽", "affirm"),
        ("✅", "affirm"),
        ("👎", "deny"),
        ("❌", "deny"),
        ("🙏", "thank_you"),
        ("❤️", "thank_you"),
    ],
)
def test_a_reaction_emoji_is_an_answer(text: str, intent: str) -> None:
    assert emoji_reaction(text) == intent


@pytest.mark.parametrize("text", ["😀😀😀🎉🎉", "👍👎", "ok 👍", "", "🚚📦"])
def test_other_emoji_are_not_taken_as_an_answer(text: str) -> None:
    assert emoji_reaction(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "zensa lomiru lovish fenmi fenloru salopa zen fenzen runextor vish rumi lovishix "
        "fenbriwu wudolnex tor paminex ixbriwu miru fentorbri ix lomi bribridol " * 8,
        "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt "
        "ut labore et dolore magna aliqua",
    ],
)
def test_long_made_up_text_is_junk(text: str) -> None:
    assert is_gibberish(text)


@pytest.mark.parametrize(
    "text",
    [
        "hi so i ordered a birthday present for my daughter last week and the tracking said it "
        "would arrive yesterday but nothing came and i waited at home all day",
        "hola buenas tardes, queria saber por que mi paquete no ha llegado todavia, ya pasaron "
        "tres dias y nadie me dice nada",
        "ordered sneakers nike airmax size eleven blue colorway shipped ups ground tuesday "
        "expected thursday nothing arrived yet",
    ],
)
def test_long_real_messages_are_not_junk(text: str) -> None:
    assert not is_gibberish(text)


async def test_a_thumbs_up_is_understood_without_asking_rasa() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"Rasa was asked: {request.url}")

    client = NluClient(base_settings(), transport=httpx.MockTransport(refuse))
    try:
        result = await client.parse("👍", now=NOW, tz="America/New_York")
        assert (result.intent, result.is_fallback) == ("affirm", False)
        junk = await client.parse("lorem ipsum dolor sit amet " * 4, now=NOW, tz="UTC")
        assert junk.intent == "out_of_scope" and junk.confidence == 0.0
    finally:
        await client.aclose()
