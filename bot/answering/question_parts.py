"""A question of two parts, one of them about a subject the articles never mention.

"how long does it take to heal leaky gut and can i drink alcohol while doing it" asks two things:
the articles answer the first and never mention alcohol. Read whole, the message is nearest to
neither, and only the notice was left. The part that names no such subject is read on its own too,
and what answers it follows the notice, introduced as the answer to the rest of the question.
"""

from __future__ import annotations

import re

from bot.answering.subjects import SubjectCheck

# Where a second question starts: after "?", or after "and"/"but"/"also" or a comma when the words
# that follow ask something ("and can i drink alcohol"). A full stop ends a story as often as a
# question, and what follows it leans on it.
_ASKING = (
    r"(?:can|could|should|shall|is|are|was|were|do|does|did|will|would|what|how|when|why|which|"
    r"where|who|may|might|must|any|has|have)"
)
_SPLIT_RE = re.compile(
    rf"(?<=\?)\s+|,?\s+(?:and|but|also|plus)\s+(?:also\s+)?(?={_ASKING}\b)|,\s+(?={_ASKING}\b)",
    re.IGNORECASE,
)
# A part read on its own must ask something itself, and not about what the other part names
# ("Could that be why my elbows ache?" after "I took a lot of antibiotics").
_ASKS_RE = re.compile(rf"^(?:(?:and|but|so|also|plus|then)\s+)*{_ASKING}\b", re.IGNORECASE)
_POINTS_BACK_RE = re.compile(
    rf"^(?:(?:and|but|so|also|plus|then)\s+)*{_ASKING}\s+(?:that|this|it|they|them|those|these)\b",
    re.IGNORECASE,
)
# A part shorter than this says too little to be read on its own.
MIN_PART_WORDS = 4


def split_questions(text: str) -> list[str]:
    """``text`` cut where a second question may start, each part as written."""
    return [part.strip() for part in _SPLIT_RE.split(text) if part and part.strip()]


def other_part(text: str, subjects: SubjectCheck) -> str | None:
    """The parts of ``text`` that name no subject the articles never mention, joined, when another
    part names one; None when the message is not so split."""
    parts = split_questions(text)
    if len(parts) < 2:
        return None
    unmentioned = [
        any(not m.in_corpus and not m.in_general for m in subjects.mentions(part)) for part in parts
    ]
    if not any(unmentioned) or all(unmentioned):
        return None
    rest = [part for part, named in zip(parts, unmentioned) if not named]
    if not all(_ASKS_RE.match(part) and not _POINTS_BACK_RE.match(part) for part in rest):
        return None
    words = sum(len(part.split()) for part in rest)
    return " ".join(rest) if words >= MIN_PART_WORDS else None


# A message that tells a story first ("Mum's 74 and her knuckles are swollen. Should she get seen
# by someone or is she right to wait?"): read whole, the story can outweigh the question. Its
# asking sentence is read on its own too.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])\s+|\n+")
# "Is it normal for this to take longer?" asks in general: its "it" points at nothing.
_DUMMY_IT_RE = re.compile(
    r"^(?:(?:and|but|so)\s+)?(?:is|was|would|could|will)\s+it\s+(?:normal|common|usual|possible|"
    r"likely|true|worth|ok|okay|fine|bad|good|safe|wise|too late|a good idea)\b",
    re.IGNORECASE,
)


# ... and one whose question follows a condition ("if I cut out the bread, how long before I'd
# notice anything?"): what it asks is after the comma.
_CONDITION_RE = re.compile(
    rf"^(?:(?:and|but|so|right|ok|okay|well)\W+)*(?:if|once|when|after)\s[^,?]{{3,80}},\s*(?={_ASKING}\b)",
    re.IGNORECASE,
)

_POINTS_ANYWHERE_RE = re.compile(r"\b(?:it|that|this|they|them|those|these)\b", re.IGNORECASE)


# What a medicine taken conditions: what else to take or eat with it ("I'm on warfarin. Which
# supplements are good for healing the gut?" asks for someone on warfarin).
_ASKS_WHAT_TO_TAKE_RE = re.compile(
    r"\b(?:supplements?|vitamins?|take|taking|eat|eating|diet|foods?|medicines?|medications?|"
    r"pills?|tablets?|safe|mix|combine)\b",
    re.IGNORECASE,
)


def asks_what_to_take(sentence: str) -> bool:
    """Whether ``sentence`` asks what to take or eat, or whether it is safe."""
    return bool(_ASKS_WHAT_TO_TAKE_RE.search(sentence))


def standing_question(text: str) -> str | None:
    """The last sentence of ``text`` that asks something without pointing back at what came
    before it ("is there a way to treat the root cause?" in "my painkillers only help. is there a
    way to treat the root cause? what would that look like"); None if there is none."""
    sentences = [s.strip() for s in _SENTENCE_END_RE.split(text) if s.strip(" .!?…")]
    asking = [s for s in sentences if s.endswith("?") or _ASKS_RE.match(s)]
    return next((s for s in reversed(asking) if not points_back(s)), None)


def points_back(sentence: str) -> bool:
    """Whether ``sentence`` has a word that may point at what was told before it ("Will fixing
    my gut help it?" after a bunion)."""
    return bool(_POINTS_ANYWHERE_RE.search(sentence))


def asking_sentence(text: str) -> str | None:
    """The last sentence of a message of several that asks something (ends with "?" or starts
    with an asking word), as written, when it says enough to be read on its own and does not
    ask about what the story told ("Could that be hurting my gut?"); else None. What follows a
    condition counts as such a sentence."""
    sentences = [s.strip() for s in _SENTENCE_END_RE.split(text) if s.strip(" .!?…")]
    asking = [s for s in sentences if s.endswith("?") or _ASKS_RE.match(s)]
    if not asking:
        return None
    last = asking[-1]
    condition = _CONDITION_RE.match(last)
    if condition:
        last = last[condition.end() :]
        if points_back(last):  # "if leaky gut is real, why do doctors ignore it?"
            return None
    elif len(sentences) < 2:
        return None
    if _POINTS_BACK_RE.match(last) and not _DUMMY_IT_RE.match(last):
        return None
    if len(last.split()) < MIN_PART_WORDS:
        return None
    return last
