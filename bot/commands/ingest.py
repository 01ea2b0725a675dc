"""`doorstep import`."""


def import_file() -> None:
    """Not built yet."""
    raise SystemExit("not built yet")
