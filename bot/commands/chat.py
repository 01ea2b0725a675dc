"""`doorstep chat`."""


def chat() -> None:
    """Not built yet."""
    raise SystemExit("not built yet")
