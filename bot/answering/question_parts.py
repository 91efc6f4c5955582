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
ASKING = (
    r"(?:can|could|should|shall|is|are|was|were|do|does|did|will|would|what|how|when|why|which|"
    r"where|who|may|might|must|any|has|have|whats|what's|hows|how's)"
)
_SPLIT_RE = re.compile(
    rf"(?<=\?)\s+|,?\s+(?:and|but|also|plus)\s+(?:also\s+)?(?={ASKING}\b)|,\s+(?={ASKING}\b)",
    re.IGNORECASE,
)
# A part read on its own must ask something itself, and not about what the other part names
# ("Could that be why my elbows ache?" after "I took a lot of antibiotics").
ASKS_RE = re.compile(
    rf"^(?:(?:and|but|so|also|plus|then|pls|please|ok|okay|hey|hi|um|hmm|just wondering|"
    rf"wondering|quick question|quick q)[,:\s]+)*{ASKING}\b",
    re.IGNORECASE,
)
POINTS_BACK_RE = re.compile(
    rf"^(?:(?:and|but|so|also|plus|then)\s+)*{ASKING}\s+(?:that|this|it|they|them|those|these)\b",
    re.IGNORECASE,
)
# ... nor choose between them ("kefir or kombucha, which one is better for gut bacteria"), nor
# ask what it means or how to do it ("My CRP came back at 12. Is that high, and what does it mean
# for my joints?", "yoga or meditation? and how often should i do it").
_LEANS_BACK_RE = re.compile(
    r"^(?:(?:and|but|so|also|plus|then)\s+)*(?:which(?:\s+one)?\s+(?:is|are|works?|would|should|"
    r"do|does)\b|which\s+one\b|which\s+of\s+(?:them|these|those|the\s+two|both)\b|"
    r"what\s+works?\s+better\b)|"
    r"\bwhat\s+(?:does|do|did)\s+(?:it|that|this|they|those|these)\s+"
    r"(?:result\s+|results\s+|test\s+|number\s+|level\s+|score\s+|reading\s+)?mean\b|"
    # "… and which joints does it usually affect"
    r"\b(?:does|do|did|can|could|will|would)\s+(?:it|they)\s+(?:\w+\s+)?(?:affect|attack|hit|"
    r"target|involve|cause|damage|spread|show up|come back|go away|start)\b|"
    # ... not inside a condition ("what foods should i avoid if i have it")
    r"(?<!\bif i )(?<!\bif you )(?<!\bwhen i )(?<!\bonce i )"
    r"\b(?:do|doing|take|taking|try|trying|use|using|eat|eating|drink|drinking|start|starting|"
    r"stop|stopping|get|getting|have|having|before|after|during)\s+(?:it|them|that|this|those|"
    r"these)\W*$",
    re.IGNORECASE,
)
# A part that ends on a condition, its own sentence opening with it: what follows asks on it.
_CONDITION_END_RE = re.compile(
    r"(?:^|[.!?]\s+)(?:(?:and|but|so|ok|okay)\s+)?(?:if|once|when|after)\s[^.!?,]{3,80}$",
    re.IGNORECASE,
)
# A part shorter than this says too little to be read on its own.
MIN_PART_WORDS = 4
# ... and a short one that asks what only a treatment or a procedure has leans on the other part
# ("What are the surgery options and how long is recovery?").
LEANS_ON_TREATMENT_WORDS = 6
_LEANS_ON_TREATMENT_RE = re.compile(
    r"\b(?:recovery|recover|recovering|side effects?|risks?|wear off|wears off|dosage|dose)\b",
    re.IGNORECASE,
)


def split_questions(text: str) -> list[str]:
    """``text`` cut where a second question may start, each part as written; a condition and
    the question asked on it stay one ("if I get my gut sorted out, will the joint pain go
    down?")."""
    parts: list[str] = []
    for part in (part.strip() for part in _SPLIT_RE.split(text) if part and part.strip()):
        if parts and _CONDITION_END_RE.search(parts[-1]):
            parts[-1] = f"{parts[-1]}, {part}"
        else:
            parts.append(part)
    return parts


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
    if not all(ASKS_RE.match(part) and not POINTS_BACK_RE.match(part) for part in rest):
        return None
    # A part that leans on the other is left out; those that stand alone are read ("my CRP is
    # high, what does it mean and can leaky gut cause inflammation?").
    rest = [part for part in rest if not _LEANS_BACK_RE.search(part)]
    if not rest:
        return None
    if any(
        len(part.split()) <= LEANS_ON_TREATMENT_WORDS and _LEANS_ON_TREATMENT_RE.search(part)
        for part in rest
    ):
        return None
    words = sum(len(part.split()) for part in rest)
    return " ".join(rest) if words >= MIN_PART_WORDS else None
