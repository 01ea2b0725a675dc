"""English or Spanish? Rasa does not say, so a small lexicon score decides."""

from __future__ import annotations

import re
import unicodedata


def _lexicon(*lines: str) -> frozenset[str]:
    return frozenset(word for line in lines for word in line.split())


_SPANISH = _lexicon(
    "el la los las un una unos unas de del que en por para con sin es esta estoy estan son",
    "mi mis su sus tu yo usted ustedes nosotros le lo me se te nos al como cuando donde",
    "porque pero si no ya hay muy mas bien buenas buenos buen dias tardes noches hola",
    "gracias favor porfa porfavor adios paquete paquetes pedido entrega entregar entregaron",
    "envio llega llegar llego llegara viene venir vengan puede pueden puedo quiero necesito",
    "tengo hoy manana ayer semana lunes martes miercoles jueves viernes sabado domingo",
    "despues antes entre tarde noche mediodia direccion calle casa puerta porton codigo",
    "clave vecino vecina dejar dejen deje dejarlo recoger cambiar cancelar ayuda persona",
    "agente hablar quien nada todavia aun dano danado roto rota falta perdido recibi",
    "recibido llamar llamen aqui alli ahi este esto eso ese esa hasta desde cuanto cuanta",
    "cual sí está dónde cuándo qué mañana después miércoles sábado dirección código portón",
    "perdió llegó recibí aquí ahí también tambien vale claro listo seguro oiga oye señor",
    "senora señora chofer repartidor",
)
_ENGLISH = _lexicon(
    "the a an is are was were be been my your our his her their it its i you we they he she",
    "me him them this that these those of to in on at for with from by and or but not no",
    "yes yeah yep nope please pls plz thanks thank thx ty hi hello hey where when what why",
    "how who which can could would will wont cant dont didnt isnt wasnt do does did have",
    "has had get got package pakage parcel box order delivery deliver delivered driver",
    "tracking today tomorrow tmrw tonight morning afternoon evening monday tuesday",
    "wednesday thursday friday saturday sunday after before between address door gate code",
    "leave left front back porch neighbor neighbour call text stop help agent human person",
    "damaged broken missing never came come coming here there still just want need should",
    "again late time",
)
_SPANISH_MARKS = re.compile(r"[ñ¿¡]|[áéíóú]")
_WORD = re.compile(r"[a-zñáéíóúü]+")


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def detect_language(text: str) -> str:
    """ "es" when the message reads as Spanish, else "en" (the default for short or mixed text)."""
    return language_shown(text) or "en"


def language_shown(text: str) -> str | None:
    """The language the message itself shows, or None when it shows none: no words, or as
    many of one lexicon's as of the other's ("2", "4B", "ok", "no"). A reply like that in a
    conversation keeps the language the conversation is in."""
    lowered = text.lower()
    words = _WORD.findall(lowered)
    spanish = sum(1 for w in words if w in _SPANISH or _plain(w) in _SPANISH)
    english = sum(1 for w in words if w in _ENGLISH)
    spanish += 2 * len(_SPANISH_MARKS.findall(lowered))
    # Words both languages share ("no") count for both and cancel out.
    if spanish == english:
        return None
    return "es" if spanish > english else "en"


def known_word_share(text: str) -> float:
    """The share of words either lexicon knows: real English or Spanish scores well above 0.1,
    long made-up or foreign text near 0."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0
    known = sum(1 for w in words if w in _ENGLISH or w in _SPANISH or _plain(w) in _SPANISH)
    return known / len(words)
