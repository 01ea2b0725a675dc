"""The web app: Twilio SMS webhooks, delivery-system events, health and metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request

from bot.logging import RequestLogMiddleware
from bot.routes import dms, health, twilio
from bot.services import Services
from bot.settings import Settings, get_settings


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> FastAPI:
    """Build the ASGI app. Pass `services` to share them (tests, the one-process runner)."""
    settings = settings or (services.settings if services else get_settings())
    owns_services = services is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = services or Services.build(settings)
        worker = None
        if settings.run_worker_in_app:  # the one-process default: relay + scheduler in here
            from bot.worker import Worker

            worker = Worker(app.state.services)
            await worker.start()
        try:
            yield
        finally:
            if worker is not None:
                await worker.stop()
            if owns_services:
                await app.state.services.aclose()

    app = FastAPI(title="Doorstep", version="0.1.0", lifespan=lifespan)
    app.add_middleware(RequestLogMiddleware)
    app.state.settings = settings
    if services is not None:
        app.state.services = services
    app.include_router(health.router)
    app.include_router(dms.router)
    app.include_router(twilio.router)
    return app


def services_of(request: Request) -> Services:
    """The Services of the app serving `request` (a FastAPI dependency)."""
    return request.app.state.services
