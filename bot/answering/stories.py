"""A message that tells a story before it asks.

"Mum's 74 and still does the church flowers. Lately her knuckles are swollen. Should she get seen
by someone or is she right to wait?": read whole, the story can outweigh the question. Its asking
sentence is read on its own too, with its own subjects (the pipeline); a follow-up borrows what the
last question it continues names, not the story around it.
"""

from __future__ import annotations

import re

from bot.answering.question_parts import ASKING, ASKS_RE, MIN_PART_WORDS, POINTS_BACK_RE

# Where a sentence ends, as the message is written (what conversation.py splits on too).
_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])\s+|\n+")
# "Is it normal for this to take longer?" asks in general: its "it" points at nothing.
_DUMMY_IT_RE = re.compile(
    r"^(?:(?:and|but|so)\s+)?(?:is|was|would|could|will)\s+it\s+(?:normal|common|usual|possible|"
    r"likely|true|worth|ok|okay|fine|bad|good|safe|wise|too late|a good idea)\b",
    re.IGNORECASE,
)

# A question that follows a condition ("if I cut out the bread, how long before I'd notice
# anything?"): what it asks is after the comma.
_CONDITION_RE = re.compile(
    r"^(?:(?:and|but|so|right|ok|okay|well)\W+)*(?:if|once|when|after)\s[^,?]{3,80},\s*"
    rf"(?={ASKING}\b)",
    re.IGNORECASE,
)
# Words that may point at what was told before them.
_POINTS_ANYWHERE_RE = re.compile(r"\b(?:it|that|this|they|them|those|these)\b", re.IGNORECASE)


# What a medicine, a condition or a procedure told in the story conditions: what else to take or
# eat with it, whether it is safe, how long until it works or things improve ("I'm on warfarin.
# Which supplements are good for the gut?", "I had a cortisone shot. How long before my joints
# improve?").
_LEANS_ON_TREATMENT_RE = re.compile(
    r"\b(?:supplements?|vitamins?|take|taking|eat|eating|diet|foods?|medicines?|medications?|"
    r"pills?|tablets?|safe|mix|combine|how long|how soon|how quickly|when will|improve|improves|"
    r"better|work|works|working|help|helps|heal|heals|healing)\b",
    re.IGNORECASE,
)


def leans_on_treatment(sentence: str) -> bool:
    """Whether ``sentence`` asks what to take or eat, whether it is safe, or how soon or whether
    things improve: questions a treatment or a condition told before them conditions."""
    return bool(_LEANS_ON_TREATMENT_RE.search(sentence))


def standing_question(text: str) -> str | None:
    """The last sentence of ``text`` that asks something without pointing back at what came
    before it ("is there a way to treat the root cause?" in "my painkillers only help. is there a
    way to treat the root cause? what would that look like"); None if there is none."""
    return next((s for s in reversed(_asking(split_sentences(text))) if not points_back(s)), None)


def points_back(sentence: str) -> bool:
    """Whether ``sentence`` has a word that may point at what was told before it ("Will fixing
    my gut help it?" after a bunion)."""
    return bool(_POINTS_ANYWHERE_RE.search(sentence))


def asking_sentence(text: str) -> str | None:
    """The last sentence of a message of several that asks something (ends with "?" or starts
    with an asking word), as written, when it says enough to be read on its own and does not
    ask about what the story told ("Could that be hurting my gut?"); else None. What follows a
    condition counts as such a sentence."""
    sentences = split_sentences(text)
    asking = _asking(sentences)
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
    if POINTS_BACK_RE.match(last) and not _DUMMY_IT_RE.match(last):
        return None
    if len(last.split()) < MIN_PART_WORDS:
        return None
    return last


def _asking(sentences: list[str]) -> list[str]:
    """Those of ``sentences`` that ask something: a question mark, or an asking word first."""
    return [s for s in sentences if s.endswith("?") or ASKS_RE.match(s)]


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as written, without empty ones."""
    return [s.strip() for s in _SENTENCE_END_RE.split(text) if s.strip(" .!?…")]
