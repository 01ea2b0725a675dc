"""`doorstep demo-data`."""


def demo_data() -> None:
    """Not built yet."""
    raise SystemExit("not built yet")
