"""`doorstep nlu ...`."""

import typer

app = typer.Typer(help="The Rasa NLU: train, serve, parse, test.", no_args_is_help=True)
