"""The app with its services, for the delivery-system webhook tests."""

from __future__ import annotations

import httpx
import pytest
from webhook_helpers import ONFLEET_SECRET

from bot.app import create_app
from bot.services import Services


@pytest.fixture
async def app_services(db_settings):
    settings = db_settings.model_copy(update={"onfleet_webhook_secret": ONFLEET_SECRET})
    services = Services.build(settings)
    yield services
    await services.aclose()


@pytest.fixture
async def client(app_services):
    app = create_app(services=app_services)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://doorstep.test") as c:
        yield c
