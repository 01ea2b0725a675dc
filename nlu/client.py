"""The client the app uses to ask the running Rasa server what a message means."""

from __future__ import annotations

from datetime import datetime

from bot.settings import Settings
from nlu.understanding import Audience, NluUnavailable, Understanding


class NluClient:
    """Asks Rasa's /model/parse; times out fast and raises NluUnavailable."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def parse(
        self, text: str, *, audience: Audience = "customer", now: datetime, tz: str
    ) -> Understanding:
        raise NluUnavailable("the NLU client is not built yet (issue 3)")

    async def ready(self) -> bool:
        return False

    async def aclose(self) -> None:
        return None
