"""Wording of certainty, after GRADE guidance 26 (Santesso et al., 2020).

GRADE's informative statements say how sure the evidence is in the words themselves:

- high: a plain statement ("massage reduces pain");
- moderate: "probably" or "likely" ("massage probably reduces pain");
- low: "may", "might", "could" or "possibly" ("massage may reduce pain");
- very low: "very uncertain", or "unclear", "unknown", "uncertain" or "not known" followed
  by "whether" or "if" ("it is very uncertain whether massage reduces pain").

A statement reads at the level of its most hedged cue; without any cue it reads as high.
"""

from __future__ import annotations

import re

from .vocabulary import Certainty

_CUES: tuple[tuple[Certainty, re.Pattern[str]], ...] = (
    (
        Certainty.VERY_LOW,
        re.compile(
            r"\b(?:very uncertain|(?:unclear|unknown|uncertain|not known) (?:whether|if))\b", re.I
        ),
    ),
    (Certainty.LOW, re.compile(r"\b(?:may|might|could|possibly)\b", re.I)),
    (Certainty.MODERATE, re.compile(r"\b(?:probably|likely)\b", re.I)),
)

PHRASES = {
    Certainty.HIGH: "reduces",
    Certainty.MODERATE: "probably reduces",
    Certainty.LOW: "may reduce",
    Certainty.VERY_LOW: "it is very uncertain whether … reduces",
}
"""How GRADE guidance 26 words an effect at each certainty."""

_VERB = re.compile(
    r"\b(?:(?P<negation>does not|doesn't|do not|don't) (?P<base>\w+)"
    r"|(?P<verb>(?:alleviat|eas|reduc|reliev|improv|boost|enhanc|increas|lower|promot|restor"
    r"|releas|calm|support|help|loosen|soften|stimulat|correct|prevent|heal|flush|speed"
    r"|lessen|relax|cur|treat|protect|rais|decreas)\w*s))\b",
    re.I,
)


def wording_level(statement: str) -> Certainty:
    """The certainty a statement's wording expresses."""
    for level, cue in _CUES:
        if cue.search(statement):
            return level
    return Certainty.HIGH


def suggest(statement: str, certainty: Certainty) -> str | None:
    """The statement reworded for `certainty` (below high: wording is only ever toned
    down), when its main verb can be found."""
    if certainty is Certainty.VERY_LOW:
        body = statement.strip().rstrip(".")
        hedged = _HEDGED.search(body)
        plural = hedged is not None and _plural(body[: hedged.start()])
        body = _HEDGED.sub(lambda match: _plain(match, plural=plural), body)
        body = re.sub(r"\b(?:probably|likely) ", "", body)
        return f"It is very uncertain whether {body[:1].lower()}{body[1:]}."
    match = _VERB.search(statement)
    if match is None:
        return None
    if match.group("negation"):
        base = match.group("base")
        auxiliary = "do" if match.group("negation").lower() in ("do not", "don't") else "does"
        phrase = (
            f"may not {base}" if certainty is Certainty.LOW else f"probably {auxiliary} not {base}"
        )
    else:
        verb = match.group("verb")
        phrase = f"may {_base_form(verb)}" if certainty is Certainty.LOW else f"probably {verb}"
    before = _HEDGE_BEFORE.sub("", statement[: match.start()])  # not "probably may reduce"
    return before + phrase + statement[match.end() :]


_HEDGE_BEFORE = re.compile(r"\b(?:probably|likely) $", re.I)
_HEDGED = re.compile(r"\b(?:may|might|could)( not)? (\w+)", re.I)


_IRREGULAR = {"be": "is", "have": "has", "do": "does", "go": "goes"}

# Words after a subject's head: "massage for athletes" is singular, "massages of the back" plural.
_AFTER_HEAD = frozenset(
    {"of", "for", "in", "on", "with", "among", "to", "from", "at", "by", "after", "during"}
    | {"before", "that", "which", "who", "like"}
)
_PLURAL_WORDS = frozenset(
    {"they", "we", "you", "i", "these", "those", "both", "people", "children", "men", "women"}
    | {"feet", "teeth", "mice", "data", "criteria", "phenomena", "bacteria"}
)
# Singular nouns that end in s as plurals do (words in -ss, -us and -is are known singular).
_SINGULAR_IN_S = frozenset(
    {"diabetes", "measles", "mumps", "rabies", "scabies", "herpes", "rickets", "shingles"}
    | {"news", "series", "species", "means", "lens", "bias", "gas", "pancreas", "pilates"}
    | {"physics", "genetics", "ergonomics", "aerobics", "athletics", "gymnastics"}
)


def _plural(subject: str) -> bool:
    """Whether `subject`, the words before the verb, is plural: two joined by "and", or a
    head word (the last before any preposition) that is plural. A phrase that leads up to
    a comma ("For older adults, massages ...") is not the subject."""
    if subject.lower().startswith(tuple(f"{word} " for word in _AFTER_HEAD)):
        subject = subject.rpartition(",")[2]
    words = re.findall(r"[\w'-]+", subject.lower())
    for position, word in enumerate(words):
        if word in _AFTER_HEAD:
            words = words[:position]
            break
    if not words:
        return False
    head = words[-1]
    return (
        "and" in words[:-1]
        or head in _PLURAL_WORDS
        or (
            head.endswith("s")
            and not head.endswith(("ss", "us", "is"))
            and head not in _SINGULAR_IN_S
        )
    )


def _plain(match: re.Match[str], *, plural: bool) -> str:
    """`may reduce` → `reduces`, `may not reduce` → `does not reduce`; for a plural
    subject `reduce` and `do not reduce`."""
    verb = match.group(2)
    be = verb.lower() == "be"
    if match.group(1):
        if be:
            return "are not" if plural else "is not"
        return f"{'do' if plural else 'does'} not {verb}"
    if plural:
        return "are" if be else verb
    irregular = _IRREGULAR.get(verb.lower())
    if irregular is not None:
        return irregular
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _base_form(verb: str) -> str:
    """`reduces` → `reduce`, `flushes` → `flush`, `boosts` → `boost`."""
    if verb.endswith(("shes", "ches", "sses", "xes", "zes")):
        return verb[:-2]
    return verb[:-1]
