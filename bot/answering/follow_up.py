"""How a follow-up is read: its own words, then what the question it borrows was about.

"is it dangerous?" after "what even is leaky gut" is read as "is it dangerous? leaky gut": the
follow-up's words lead, so what it asks (danger, time, proof) is not drowned by the previous
question, and the known questions of that subject can recognise it. The previous question's
asking words ("what even is") are left out: they asked the last question, not this one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.answering.inputs import clean_message
from bot.answering.stories import without_excluded
from bot.retrieval.lexical import STOPWORDS

if TYPE_CHECKING:
    from bot.answering.small_talk import SmallTalk

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


def known_reading(message: str, context: str, small_talk: SmallTalk | None) -> str:
    """What is ranked for a known follow-up ``message`` asked after the questions ``context``
    (bot.retrieval.known_questions): read as the pipeline reads a follow-up, less the mending of
    a slipped letter, which needs the index."""
    message, context = clean_message(message), clean_message(context)
    spelled = small_talk.spelled_out(message, follow_up=context) if small_talk else message
    return borrowed_reading(context, without_excluded(spelled))


# "and supplements?", "what about sleep": a follow-up that puts a thing of its own in place of the
# previous question's subject (not a pointing or an asking word).
_SWAPS_RE = re.compile(
    r"^(?:(?:ok|okay|so|hmm|right|well|alright|fine)\W+)*"
    r"(?:and|or|(?:and )?(?:what|wat|how) (?:about|abt|bout))\s+"
    r"(?!(?:it|its|that|this|these|those|they|"
    r"them|how|what|why|when|where|which|who|is|are|can|could|does|do|did|if|for|in|with|after|"
    r"before|then|so|same|else|more|much|many|long|often|also|too)\b)[a-z]",
    re.IGNORECASE,
)


def swaps_subject(message: str) -> bool:
    """Whether the follow-up ``message`` names a subject of its own in place of the previous
    question's ("and supplements?" after a question about coffee is not about coffee; "ok what
    about joint pain in general, what causes it" after one about gout is not about gout)."""
    return bool(_SWAPS_RE.match(message.strip()))


# Words that point back at a person ("should she see a doctor?") and at a thing ("is it safe?").
_PERSON_RE = re.compile(r"\b(?:he|she|him|her|his|hers|they're|he's|she's)\b", re.IGNORECASE)
_THING_RE = re.compile(
    r"\b(?:it|its|it's|that|this|these|those|they|them|their|such|same|ones|one)\b", re.IGNORECASE
)


def points_at_a_person_only(message: str) -> bool:
    """Whether the follow-up ``message`` points back at someone and at no thing ("Bot, should she
    see a doctor if her knuckles are swollen?" after a word about roast chicken is about her, not
    the chicken; "is it safe for her?" is about both)."""
    return bool(_PERSON_RE.search(message)) and not _THING_RE.search(message)


# "what does fix it then", "what else", "what should I take instead": a follow-up that asks what
# does, in place of what the previous question named.
_ASKS_OTHERWISE_RE = re.compile(
    r"^\W*(?:(?:ok|okay|so|well|hmm|right|alright|and|but)\W+)*(?:what|which|wat|wht)\b"
    r"(?:(?:\W+[\w']+){0,6}?\W+(?:then|instead|else)\b|\W+(?:does|do) (?:help|work|fix)\b)",
    re.IGNORECASE,
)
# ... of at most this many words.
OTHERWISE_WORDS = 8


def asks_otherwise(message: str) -> bool:
    """Whether the follow-up ``message`` asks what does in place of what the previous question
    named ("what does fix it then" after "does intermittent fasting fix leaky gut")."""
    return len(message.split()) <= OTHERWISE_WORDS and bool(_ASKS_OTHERWISE_RE.match(message))


# "how long till it gets better tho", "and if i do sort my gut out how long before i'd feel it",
# "does it go away if i fix my gut tho", "and if I cut that stuff out how soon would I notice":
# a follow-up that asks how long the gut's healing takes, or what it does, whatever the previous
# question named.
_ASKS_OF_HEALING_RE = re.compile(
    r"\bhow long (?:till|til|until|before|b4|does it take|will it take|would it take)\b|"
    r"\bhow soon\b|"
    r"\bif (?:i|you|we|he|she|they) (?:do |did |just |actually |really )?(?:fix|heal|sort|work "
    r"on|improve|sorted|fixed|healed)\b[^?.!]{0,20}\bgut\b",
    re.IGNORECASE,
)


def asks_of_healing(message: str) -> bool:
    """Whether the follow-up ``message`` asks how long healing takes or what healing the gut
    does ("how long till it gets better tho" after "can i take ashwagandha for it"): about the
    articles' healing, not the thing the previous question named that they never mention."""
    return bool(_ASKS_OF_HEALING_RE.search(message))
