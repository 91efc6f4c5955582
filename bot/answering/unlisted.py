"""A thing asked about by a name no list holds: "Temulawak is good?", "can eating githeri help".

The subjects file (bot/answering/subjects.py) names what people ask about; a fresh set always
brings names it does not hold. Asked about in a frame that can only be about a thing ("is X
good?", "X is good?", "can eating X help", "and X?"), a word that is neither the articles' nor one
the model reads whole is such a name: the articles cannot mention it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# ... unless a passage reads this near the question: the model knows the name as a thing the
# articles speak of by another word ("are crockpots actually safe" beside a slow cooker, cosine
# 0.55 on the FAQ corpus; "can eating githeri help" reads 0.455 to the shipped articles, "Temulawak
# is good?" 0.14).
UNLISTED_MAX_COSINE = 0.5

_NAME = r"([a-z][a-z'-]+(?: [a-z][a-z'-]+)?)"
_FRAMES = (
    # "is temulawak good?", "would rooibos help?", "can eating githeri help"
    re.compile(
        r"^(?:(?:and|so|but|ok|okay|also)\s+)*(?:what about\s+|how about\s+)?"
        r"(?:is|are|would|will|can|could|does|do)\s+(?:eating|taking|drinking|using|having\s+)?\s*"
        r"(?:some\s+|a\s+|an\s+)?"
        + _NAME
        + r"\s+(?:good|ok|okay|safe|bad|helpful|help|helps|work|any good|worth|be good|"
        r"inflammatory|healthy|harmful)\b"
    ),
    # "how about malunggay, is that good for the gut?"
    re.compile(
        r"^(?:(?:and|so|but|ok|okay|also)\s+)*(?:what|how) about\s+"
        + _NAME
        + r"\s+(?:is|are|would|will|can|could|does|do)\s+(?:that|it|they|this|those)\s+"
        r"(?:good|ok|okay|safe|bad|helpful|help|helps|work|any good|worth|be good|inflammatory|"
        r"healthy|harmful)\b"
    ),
    # "and tortillas?", "what about nopal": the whole message names the thing it asks about
    re.compile(r"^(?:and|or|what about|how about|and what about)\s+(?:some\s+)?" + _NAME + r"$"),
    # "temulawak is good?", "kimchi is help?"
    re.compile(
        r"^(?:(?:and|so|but|ok|okay|also)\s+)*"
        + _NAME
        + r"\s+(?:is|are)\s+(?:good|ok|okay|help|helpful|bad|safe)\b"
    ),
)


# Words a name never opens ("which painkillers are safe") or ends with ("is X actually good").
_NOT_OPENING = frozenset(
    {"which", "what", "how", "why", "who", "where", "when", "this", "that", "it"}
)
# Where a sentence's next clause starts, after at most OPENING_WORDS words that call or announce.
OPENING_WORDS = 6
_CLAUSE_BREAK_RE = re.compile(r"[,;:—–]|\s-\s")
_NOT_CLOSING = frozenset(
    {"actually", "really", "any", "do", "does", "even", "ever", "just", "still", "also", "tho"}
)


def unlisted_name(message: str, strange: Callable[[str], bool]) -> str | None:
    """The name ``message`` asks about when it is a word no list holds (``strange``), else None."""
    # Each question of the message on its own ("and ugali? is ugali inflammatory?"), and what
    # follows a few words and a comma or a dash in it ("Guys, serious q — hey bot, does beetroot
    # juice help?"; not "my mum's trying to sort out her digestion, could a healthier gut help?").
    for sentence in re.split(r"[?!.]+", message.casefold()):
        after = [
            sentence[m.end() :]
            for m in _CLAUSE_BREAK_RE.finditer(sentence)
            if len(sentence[: m.start()].split()) <= OPENING_WORDS
        ]
        for said in (sentence, *after):
            name = _framed_name(" ".join(re.findall(r"[\w'-]+", said)), strange)
            if name:
                return name
    return None


def _framed_name(text: str, strange: Callable[[str], bool]) -> str | None:
    """The strange name ``text`` asks about in one of the frames, or None."""
    for frame in _FRAMES:
        match = frame.match(text)
        if not match:
            continue
        words = match.group(1).split()
        if words[0] in _NOT_OPENING:
            continue
        if len(words) > 1 and words[-1] in _NOT_CLOSING:
            words = words[:-1]
        if any(strange(word) for word in words):
            return " ".join(words)
    return None
