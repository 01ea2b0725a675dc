"""`doorstep bench nlu`: model load time and /model/parse latency over HTTP."""

from __future__ import annotations

import json
import statistics
import time

import typer

# Realistic traffic: customers (English and Spanish, typos, codes, tracking numbers) and drivers.
TEXTS = (
    "where is my pakage",
    "can u come tmrw after 5",
    "track ds-2046 1187 pls",
    "gate code is #2291, leave it by the side door",
    "im not home friday can you redeliever monday morning",
    "my box came all crushed and the lamp inside is broken 😡",
    "¿dónde está mi paquete? el número es 1Z999AA10123456784",
    "no voy a estar, pueden venir el lunes en la mañana",
    "stop texting me about this",
    "i need to talk to a real person",
    "thanks!!",
    "running about 20 min behind",
    "#17 not home, left a notice",
    "gate code doesnt work at stop 12",
    "flat tire on route 9 need help",
    "delivered, left at front desk",
)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def main(
    requests: int = typer.Option(500, "--requests", "-n", help="Sequential /model/parse calls."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON line."),
) -> None:
    """Start a fresh Rasa server, report load time (start -> ready) and parse p50/p99 over HTTP."""
    import httpx

    from bot.settings import get_settings
    from nlu.server import RasaSetupError, start_server, train

    settings = get_settings()
    try:
        trained = train()
        typer.echo(f"model {trained.model.name}; starting a fresh server…", err=True)
        server = start_server(settings, timeout=300)
    except RasaSetupError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    try:
        latencies: list[float] = []
        with httpx.Client(base_url=server.url, timeout=10, trust_env=False) as http:
            params = {"token": settings.rasa_token}
            for text in TEXTS:  # warm-up, not measured
                http.post("/model/parse", params=params, json={"text": text}).raise_for_status()
            for i in range(requests):
                started = time.perf_counter()
                response = http.post(
                    "/model/parse", params=params, json={"text": TEXTS[i % len(TEXTS)]}
                )
                latencies.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
    finally:
        server.stop()
    figures = {
        "model": server.model.name,
        "model_mb": round(server.model.stat().st_size / 1e6, 1),
        "load_seconds": round(server.ready_after or 0.0, 2),
        "requests": requests,
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(_percentile(latencies, 99), 2),
        "mean_ms": round(statistics.fmean(latencies), 2),
    }
    if as_json:
        typer.echo(json.dumps(figures))
        return
    typer.echo(
        f"NLU {figures['model']} ({figures['model_mb']} MB)\n"
        f"  load (start -> /status ready): {figures['load_seconds']:.2f} s  (goal <= 30 s)\n"
        f"  /model/parse over HTTP, {requests} sequential: p50 {figures['p50_ms']:.2f} ms  "
        f"p99 {figures['p99_ms']:.2f} ms  mean {figures['mean_ms']:.2f} ms  (goal p50 <= 15 ms)"
    )
