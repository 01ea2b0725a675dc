"""What customers say about a missing or damaged package: the phrases that answer our
questions about it ("Still missing?", "a photo?") and the words that report or ask about it.
flows/claims.py decides what to do with them."""

from __future__ import annotations

import re

from flows.answers import Question, by_phrases, phrases, plain

_NOT = (
    r"(?:didnt|did not|havent|have not|hasnt|has not|never|not|cant|cannot|couldnt|could not|"
    r"unable to|dont|do not|doesnt|does not|wasnt|was not|isnt|is not|arent|aint|nobody|no one|"
    r"nothing)"
)
_GET = (
    r"(?:find|found|get|got|gotten|receive|received|recieved|see|seen|saw|come|came|arrive|"
    r"arrived|show|showed|shown|turn|turned|deliver|delivered|locate|located|have|had|here|there|"
    r"anywhere)"
)
_PLACE = (
    r"(?:house|home|address|door|porch|building|place|apartment|apt|unit|street|location|spot|"
    r"steps?|stoop|doorstep|gate|lobby|package|box|photo|picture|pic)"
)
# Said of the package: not found ("didn't get it", "no lo encuentro"). Read first, so the
# plain forms below ("get it", "encontre") are not read again in them.
_NOT_FOUND = phrases(
    "yes",
    rf"{_NOT}(?: \w+){{0,2}} {_GET}",
    r"no (?:lo |la )?(?:encuentro|encontre|encontramos|tengo|veo|recibi|he recibido|"
    r"ha llegado|llego|esta|aparece|aparecio|tenia|tiene|recogio)|todavia no|aun no|sigue sin|"
    r"nunca llego",
)
# The package turned up, said of the package itself: "found it behind the planter", "my
# neighbor had it", "it was in the mailroom", "ya lo encontré".
_FOUND_IT = phrases(
    "no",
    r"found (?:it|them|(?:the |my )?(?:missing |lost )?(?:package|box|parcel|delivery|order))",
    r"(?:lo|la|los|las) (?:encontre|encontramos|encontraron|tengo|recibi)|"
    r"(?:encontre|encontramos|recibi) (?:el|la|mi) (?:paquete|caja|pedido)|aparecio|ya llego",
    r"(?:got|received|recieved|picked up|grabbed|located|retrieved) "
    r"(?:them|the (?:package|box|parcel)|my (?:package|box|parcel|order))|"
    r"(?:received|recieved|picked up|grabbed|located|retrieved) it",
    r"(?:its|it was|it is|it had been|(?:package|box|parcel) (?:is|was)) "
    r"(?:here|there|in|at|on|behind|under|by|with|inside|outside|around|next to|beside|"
    r"near)",
    r"(?:neighbou?rs?|roommate|wife|husband|son|daughter|mom|mum|dad|partner|kids?|family|"
    r"concierge|doorman|front desk|mail ?room|office|landlord|building manager|super) "
    r"(?:had|has|took|got|grabbed|picked|brought|kept|was holding|is holding|signed)",
    r"(?:showed|turned|popped) up|(?:it|package|box|parcel) (?:just )?(?:came|arrived)",
    # "lo tenía el vecino", "mi vecina lo recogió"
    r"(?:lo|la) (?:tenia|tiene|recogio|guardo|recibio) (?:el|la|mi|un|una) (?:vecin[oa]|portero|"
    r"conserje|esposa|esposo|hij[oa]|mama|papa)|(?:vecin[oa]|portero|conserje|esposa|esposo|"
    r"hij[oa]|mama|papa) (?:lo|la) (?:tenia|tiene|recogio|guardo|recibio)",
)
# Still not there, in other words: "still nothing", "wrong house", "stolen".
_STILL_GONE = phrases(
    "yes",
    r"still (?:missing|nothing|no|not|waiting|havent|hasnt|cant|dont|gone|lost|looking|"
    r"nowhere|isnt|wasnt|aint|empty)",
    r"missing|stolen|stole|lost|gone|nowhere|disappeared|vanished|taken|no idea|"
    r"where (?:is|did) it|wheres it",
    r"not (?:even |really |actually )?(?:here|there|mine|ours|my|our|at|in|on|by|outside|"
    r"anywhere|it|the right|what|where)",
    r"(?:isnt|wasnt|arent|aint|is not|was not|are not) (?:even |really |actually )?"
    r"(?:mine|ours|my|our|it|the right|what|where)",
    rf"(?:wrong|different|another|other|someone elses|somebody elses) {_PLACE}",
    r"(?:someone|somebody) elses|nothing|never|no (?:package|box|parcel|sign|trace)",
    r"no es (?:mi|nuestra|nuestro)|otra (?:casa|puerta)|robaron|perdido|se perdio",
)
# "Still missing? Reply YES": yes is still missing, no is found. A "no" that goes on about the
# photo or the place is read by what follows it; to this question "never mind", "got it" and
# a bare "found" are enough.
STILL_MISSING = Question(
    phrases=(
        *phrases(
            "no",
            r"never ?mind|nvm|not missing|no longer missing|isnt missing|not lost|nothing wrong|"
            r"no worries|no problem|not a problem|all good|all set|im good|were good|its fine|"
            r"its ok|false alarm|my bad|my mistake",
        ),
        *_NOT_FOUND,
        *_FOUND_IT,
        *phrases(
            "no",
            r"found|(?:see|saw|spotted) it|encontre|encontramos|(?:ya )?lo tengo|lo recibi",
            r"(?:got|have) (?:it|them|the (?:package|box|parcel)|my (?:package|box|parcel))|"
            r"received it|recieved it",
        ),
        *_STILL_GONE,
        *phrases(
            "yes",
            r"(?:already|i) checked|checked (?:everywhere|all over|already|twice)|"
            r"looked everywhere|claim",
        ),
    ),
    ok_means=None,  # "ok" to "please check with the neighbours" is "I'll check", not an answer
    bare_no=True,
)
# After a claim was opened, with no question asked: the package found, said in so many words.
# "got it, thanks" (heard) or "never mind" (the last question) close no claim; "I checked the
# mailroom and found it" does.
FOUND_AFTER_A_CLAIM = Question(phrases=(*_NOT_FOUND, *_FOUND_IT, *_STILL_GONE))
# "Please reply with a photo": yes is a photo to come, no is none (the claim opens without).
SENDS_PHOTO = Question(
    phrases=(
        *phrases(
            "no",
            r"(?:no|dont|do not|didnt|did not|cant|cannot|couldnt|unable to|wont|forgot to|"
            r"not able to) (?:have |take |took |send |get |make |got |taken )?(?:a |any |the )?"
            r"(?:photos?|pictures?|pics?|images?|camera)",
            r"(?:dont|do not|didnt|did not) (?:have|take|keep) (?:one|any|it)|"
            r"(?:cant|cannot|couldnt) (?:take|send|get) (?:one|any|it)",
            r"(?:threw|thrown|tossed|recycled|trashed|binned)|no tengo|sin foto|no puedo",
        ),
        *phrases(
            "yes",
            r"later|in a (?:bit|min|minute|sec|second)|one (?:sec|second|min|minute)|"
            r"give me a (?:sec|second|min|minute)|hold on|will send|ill send|ill take|"
            r"sending (?:it|now|one)|let me (?:take|get|find|grab)|luego|ahora se la mando",
        ),
    ),
)
# "only got one box", "there's supposed to be 2", "where's the other one": part of the order.
PART_OF_AN_ORDER = re.compile(
    r"\b(only (got|received|have|came)|just (got|one)|one (box|package|parcel|of)|other (one|box|"
    r"package|parcel)|second (one|box|package)|supposed to be (2|two|3|three)|(2|two) (boxes|"
    r"packages|parcels)|rest of|solo (llego|recibi)|el otro|la otra)\b"
)
# "wrong house in the pic", "that's not my porch": the proof of delivery shows another place.
_PLACES = r"(?:house|home|door|front door|porch|building|address|place|apartment|apt|steps|stoop)"
WRONG_PLACE = re.compile(
    rf"\b(?:wrong|not (?:my|our|the right)|isnt (?:my|our)|aint (?:my|our)) {_PLACES}\b|"
    r"\bno es (?:mi|nuestra|nuestro) (?:casa|puerta|porche|edificio|direccion)\b|"
    r"\b(?:casa|puerta|direccion) equivocada\b"
)
# A description of the damage is evidence too: the claim opens on it, a photo can follow.
DAMAGE = re.compile(
    r"\b(broken|broke|crushed|smashed|dented|torn|ripped|wet|soaked|leak\w*|shattered|cracked|"
    r"damaged?|scratched|bent|destroyed|ruined|spilled|spilt|opened|busted|missing (parts|"
    r"pieces|items?)|roto|rota|danad[oa]|mojad[oa]|aplastad[oa]|not working|(?:doesnt|does not|"
    r"dont|do not|wont|will not) (?:work|turn on)|no (?:funciona|sirve|prende|enciende))\b"
)

# What says the package is not there at all (a damage report may say "missing parts").
NOT_THERE = re.compile(
    rf"\b(missing|stolen|lost|gone|nowhere|{_NOT}(?: \w+){{0,2}} {_GET}|no (?:package|box|parcel)|"
    r"no (?:lo |la )?(?:encuentro|tengo|recibi)|nunca llego|robaron|perdido)\b"
)


# "Do I need to send it back?", "what do I do with the broken one", "¿lo tengo que devolver?":
# about the damaged item, not a refusal of a delivery (the NLU reads them as refuse_delivery).
RETURN_IT = re.compile(
    r"\b(send|ship|mail|bring|take|give|want|need) (it|them|this|that|the \w+( \w+)?) back\b|"
    r"\b(send|ship|mail) back\b|\breturn (it|them|this|that|the)\b|"
    r"\bwhat (do|should|can|shall|must) (i|we) do with\b|"
    r"\b(keep|toss|trash|dispose of|get rid of) (it|them|this|that|the)\b|"
    r"\bthrow (it|them|this|that|the \w+( \w+)?) (away|out)\b|"
    r"\b(devolver\w*|devuelvo|devolvemos|regresar\w*|regreso)\b|"
    r"\bq(ue)? (hago|hacemos|debo hacer) con\b|\b(lo|la|los|las) (tiro|boto|guardo)\b|"
    r"\bme (lo|la|los|las) quedo\b"
)


def asks_about_returning(text: str) -> bool:
    """Asks whether to send the damaged item back, keep it or throw it away."""
    return RETURN_IT.search(plain(text)) is not None


def says_found(text: str) -> bool:
    """ "Found it behind the planter", "my neighbor had it", "ya lo encontré": the package
    turned up, said in so many words (a "got it, thanks" or a "never mind" says nothing)."""
    return by_phrases(_NEVER_MIND.sub(" ", plain(text)), FOUND_AFTER_A_CLAIM) == "no"


# "Never mind" says nothing of the package, found or not ("never" alone says not).
_NEVER_MIND = re.compile(r"\bnever ?mind\b")


# "Yes I have pictures", "sí tengo fotos", "I can send photos": photos of the damage to come.
_PHOTOS = re.compile(r"\b(photos?|pictures?|pics?|images?|fotos?|imagen(es)?|videos?)\b")


def promises_photos(text: str) -> bool:
    """Says there are photos (of the damage), not that there are none."""
    return _PHOTOS.search(plain(text)) is not None and by_phrases(text, SENDS_PHOTO) != "no"
