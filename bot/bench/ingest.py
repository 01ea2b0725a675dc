"""`doorstep bench ingest`."""


def main() -> None:
    """Not built yet."""
    raise SystemExit("not built yet")
