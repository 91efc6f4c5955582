"""How a follow-up is read: its own words, then what the question it borrows was about.

"is it dangerous?" after "what even is leaky gut" is read as "is it dangerous? leaky gut": the
follow-up's words lead, so what it asks (danger, time, proof) is not drowned by the previous
question, and the known questions of that subject can recognise it. The previous question's
asking words ("what even is") are left out: they asked the last question, not this one.
"""

from __future__ import annotations

import re

from bot.retrieval.lexical import STOPWORDS

# Words of the previous question kept as its subject, at most (the last ones: a chain of
# follow-ups keeps the latest subject).
SUBJECT_WORDS = 8
_WORD_RE = re.compile(r"[\w'’-]+")
# Words of a question that say who asks or point, not what it is about.
_NOT_SUBJECT = frozenset(
    {"i", "me", "my", "mine", "you", "your", "it", "its", "this", "that", "these", "those", "they",
     "them", "their", "even", "really", "there", "here", "he", "she", "her", "him", "his"}
)  # fmt: skip


def subject_words(question: str) -> str:
    """The words of ``question`` that say what it is about."""
    words = [
        word
        for word in _WORD_RE.findall(question)
        if word.casefold() not in STOPWORDS and word.casefold() not in _NOT_SUBJECT
    ]
    return " ".join(words[-SUBJECT_WORDS:])


def borrowed_reading(context: str, message: str) -> str:
    """What is read for ``message`` when it borrows the previous question ``context``."""
    subject = subject_words(context)
    return f"{message} {subject}" if subject else f"{context} {message}"
