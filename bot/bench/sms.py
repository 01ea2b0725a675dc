"""`doorstep bench sms`."""


def main() -> None:
    """Not built yet."""
    raise SystemExit("not built yet")
