"""`doorstep bench nlu`."""


def main() -> None:
    """Not built yet."""
    raise SystemExit("not built yet")
