"""Reading the reply to a question we asked: yes or no by what it means, and whether it is a
new request instead of an answer.

The first word is not the answer. To "Still missing? Reply YES", "no, that's not my porch in
the photo" means yes, it is still missing. So each question names the phrases that settle it
either way, read before the first word. They are read in order and each match is blanked out,
so a negated phrase listed first ("didn't find it") is not read again as its plain form
("find it"). Phrases on both sides: unclear (the flow asks again). No phrase: the first word
(yes / ok / no), then the NLU's affirm or deny.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Literal

from flows.choice import pick_index
from flows.model import Decision, Reply
from nlu.understanding import DELIVERY_REQUESTS, Understanding

Answer = Literal["yes", "no"]

# How sure the NLU must be before a reply is taken as a new request rather than an answer.
SURE = 0.6

_YES_WORDS = (
    r"yes+|yeah|yea|yah|ya|yep|yup|y|sure|correct|confirm(?:ed)?|affirmative|absolutely|"
    r"definitely|of course|please do|go ahead|do it|si|claro|dale|correcto|exacto|afirmativo"
)
_OK_WORDS = (
    r"ok+|okay|okey|okie|k+|alright|all right|fine|sounds good|that works|works|perfect|great|"
    r"cool|good|vale|bueno|esta bien|perfecto|de acuerdo"
)
_NO_WORDS = r"no+|nope|nah|naw|nay|negative|not really|nop|n"
_HEAD = re.compile(
    rf"^\W*(?:(?:oh|um+|uh+|well|hmm+|ah)\W+)?"
    rf"(?:(?P<yes>{_YES_WORDS})|(?P<ok>{_OK_WORDS})|(?P<no>{_NO_WORDS}))(?![\w'])"
)
# What may follow a bare yes or no without adding anything to it.
_FILLER = frozenset(
    [
        "thanks",
        "thank",
        "you",
        "thx",
        "ty",
        "please",
        "pls",
        "plz",
        "i",
        "it",
        "is",
        "its",
        "that",
        "thats",
        "this",
        "sir",
        "maam",
        "lol",
        "gracias",
        "por",
        "favor",
        "senor",
    ]
)


@dataclass(frozen=True, slots=True)
class Question:
    """What settles one yes/no question."""

    # (phrase, answer) in order of precedence; a phrase is a regex on the plain text
    # (lower case, no accents, no apostrophes: "didn't" is "didnt").
    phrases: tuple[tuple[re.Pattern[str], Answer], ...] = ()
    # What "ok", "fine", "sounds good" (or a bare thumbs up) answer: None when they are only
    # an acknowledgement ("ok, I'll check with the neighbours").
    ok_means: Answer | None = "yes"
    # A "no" decides only on its own: the question may be heard as its opposite ("did you find
    # it?"), so "no, <anything we don't recognise>" is unclear, not no.
    bare_no: bool = False


def phrases(answer: Answer, *patterns: str) -> tuple[tuple[re.Pattern[str], Answer], ...]:
    """Phrase patterns that all mean one answer (each a regex, whole words)."""
    return tuple((re.compile(rf"\b(?:{p})\b"), answer) for p in patterns)


# Most questions: "that doesn't work", "never mind", "none of those" are no.
COMMON = phrases(
    "no",
    r"(?:doesnt|does not|dont|do not|wont|will not|cant|cannot|not|no longer) "
    r"(?:work|works|suit|good|ok|okay|fine|possible|necessary|needed)",
    r"never ?mind|nvm|forget it|none of (?:those|these|them)",
)
PLAIN = Question(COMMON)
# "No", "no thanks", "never mind" to a request for details: declined, with nothing else said.
DECLINED = Question(COMMON, bare_no=True)


def plain(text: str) -> str:
    """Lower case, no accents, no apostrophes, single spaces: the text phrases are read in."""
    text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    text = re.sub(r"['`\u2019]", "", text)
    return " ".join(text.split())


def yes_or_no(u: Understanding, question: Question = PLAIN) -> Answer | None:
    """What the reply answers to this question, or None when it does not say."""
    said, text = _phrased(plain(u.text), question)
    if len(said) == 1:
        return said.pop()
    if said:
        return None  # "keep it or send it back, idk"
    head = _HEAD.match(text)
    if head is None:
        return _by_intent(u, question)
    if head["yes"]:
        return "yes"
    if head["ok"]:
        return question.ok_means
    rest = re.findall(r"[a-z]+", text[head.end() :])
    if question.bare_no and any(word not in _FILLER for word in rest):
        return None
    return "no"


def by_phrases(text: str, question: Question) -> Answer | None:
    """What the question's phrases alone say, without a first word or the NLU to fall back on:
    for a reply that must say it in so many words ("found it behind the planter")."""
    said, _ = _phrased(plain(text), question)
    return said.pop() if len(said) == 1 else None


def says_both(u: Understanding, question: Question) -> bool:
    """Phrases for yes and for no in one reply: ask again rather than guess."""
    return len(_phrased(plain(u.text), question)[0]) > 1


def _phrased(text: str, question: Question) -> tuple[set[Answer], str]:
    """The answers the question's phrases find, and the text with those phrases blanked out."""
    said: set[Answer] = set()
    for pattern, answer in question.phrases:
        text, found = pattern.subn(" | ", text)
        if found:
            said.add(answer)
    return said, text


def _by_intent(u: Understanding, question: Question) -> Answer | None:
    if u.intent == "affirm":
        return question.ok_means
    if u.intent == "deny" and not question.bare_no:
        return "no"
    return None


def picks_a_number(u: Understanding) -> bool:
    """ "2", "#1", "option 3", "the 2nd one": a pick from a numbered list, which answers no
    yes/no question (asked again, rather than read as the help menu or a guessed yes)."""
    if pick_index(u.text, _LONGEST_LIST) is not None:
        return True
    return _BARE_NUMBER.fullmatch(plain(u.text).strip(" .!?")) is not None


def asked_again(question: Decision) -> Decision:
    """A yes/no question asked again after a reply that doesn't answer it ("2"): the same
    question, after a short nudge ("Sorry, please reply YES or NO.")."""
    assert question.reply is not None
    return replace(question, reply=Reply("answers.yes_or_no", then=question.reply))


_LONGEST_LIST = 5
_BARE_NUMBER = re.compile(r"(?:(?:option|opcion|number|num|nr)\s*)?#?\s*\d{1,2}")


def new_request(u: Understanding, *, own: frozenset[str] = frozenset()) -> bool:
    """A confident request of another kind: it leaves the question and is handled as itself."""
    return u.intent in DELIVERY_REQUESTS and u.intent not in own and u.confidence >= SURE


def acknowledges(u: Understanding) -> bool:
    """ "ok", "thanks", a thumbs up: heard, without an answer in it."""
    head = _HEAD.match(plain(u.text))
    return bool(head and head["ok"]) or u.intent in ("affirm", "thank_you")
