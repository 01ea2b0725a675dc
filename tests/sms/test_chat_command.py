"""`doorstep chat --script` plays a conversation against a running app and shows the result."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import uvicorn
import yaml
from sms_helpers import NOW, Says, ScriptedNlu, seed_delivery

from bot.app import create_app
from bot.commands.chat import play
from bot.services import Services
from data.types import DeliveryStatus


class _RunningApp:
    """The real app on a free port, in a thread of its own (the chat tool is synchronous)."""

    def __init__(self, settings) -> None:  # noqa: ANN001
        self.settings = settings.model_copy(update={"allow_clock_override": True})
        self.ready = threading.Event()
        self.port = 0

    async def _serve(self, seed) -> None:  # noqa: ANN001
        services = Services.build(self.settings)
        services.nlu = ScriptedNlu(
            {
                "reschedule": Says("reschedule_delivery"),
                "1": Says("inform"),
                "yes": Says("affirm"),
            }
        )
        await seed(services)
        self.server = uvicorn.Server(
            uvicorn.Config(create_app(services=services), host="127.0.0.1", port=0, log_config=None)
        )
        task = asyncio.create_task(self.server.serve())
        while not self.server.started:  # noqa: ASYNC110 - uvicorn offers no event
            await asyncio.sleep(0.01)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        self.ready.set()
        await task
        await services.aclose()

    def start(self, seed) -> None:  # noqa: ANN001
        self.thread = threading.Thread(target=asyncio.run, args=(self._serve(seed),))
        self.thread.start()
        assert self.ready.wait(20)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(20)


def test_a_scripted_rebook_prints_replies_and_the_delivery(sqlite_settings, tmp_path: Path):
    app = _RunningApp(sqlite_settings)

    async def seed(services):  # noqa: ANN001, ANN202
        await seed_delivery(services, status=DeliveryStatus.FAILED_ATTEMPT, attempts=1)

    app.start(seed)
    try:
        script = tmp_path / "rebook.yml"
        script.write_text(
            yaml.safe_dump(
                {
                    "now": NOW.isoformat(),
                    "turns": [
                        {"phone": "+12015550123", "text": "reschedule"},
                        {"phone": "+12015550123", "text": "1"},
                        {"phone": "(201) 555-0123", "text": "yes"},
                    ],
                }
            )
        )
        result = play(
            app.settings,
            f"http://127.0.0.1:{app.port}",
            yaml.safe_load(script.read_text()),
            now=None,
        )
    finally:
        app.stop()
    assert [t["phone"] for t in result["turns"]] == ["+12015550123"] * 3
    assert "1) Wed Mar 5, 8-10am" in result["turns"][0]["reply"]
    assert "rebooked" in result["turns"][2]["reply"]
    [delivery] = result["deliveries"]
    assert delivery["status"] == "scheduled"
    assert str(delivery["service_date"]) == "2025-03-05"
