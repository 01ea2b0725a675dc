"""Carrier keywords, handled before any NLU: an exact, whole-message match, any case."""

from __future__ import annotations

import enum


class Keyword(enum.StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


OPT_OUT = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
OPT_IN = frozenset({"START", "UNSTOP", "YES"})
HELP = frozenset({"HELP", "INFO"})


def keyword_of(body: str, *, opted_out: bool) -> tuple[Keyword, str] | None:
    """The keyword this message is, with the word, or None.

    YES re-subscribes only a contact who opted out; from anyone else it is an answer to our
    question ("Reply YES to confirm") and goes on to the conversation.
    """
    word = body.strip().strip(".!").upper()
    if word in OPT_OUT:
        return Keyword.OPT_OUT, word
    if word in OPT_IN and (opted_out or word != "YES"):
        return Keyword.OPT_IN, word
    if word in HELP:
        return Keyword.HELP, word
    return None
