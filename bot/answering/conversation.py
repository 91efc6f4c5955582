"""Conversation: what a chat asked a few minutes ago, and when a message borrows it.

Every channel (Telegram, the console chat, scripted conversations) answers a message the same way:
:meth:`Conversation.plan` turns it into a request (read with the chat's previous question only
when it cannot stand on its own), the channel answers it, and :meth:`Conversation.settle` remembers
what the chat asked. Small talk, urgent messages and odd input do not change what a follow-up
refers to. Memory is in process, bounded and short-lived: nothing of it outlives ``ttl`` seconds
or a restart.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace

from bot.answering.answer import Answer
from bot.answering.corrections import corrected, correction
from bot.answering.inputs import spoken_punctuation, without_address, without_speaker
from bot.answering.pipeline import Request
from bot.answering.small_talk import TIME_REFERENCE_RE
from bot.answering.stories import split_sentences
from bot.safety.triage import EARLIER_FLAG

# A message of this many words or fewer cannot stand on its own ("why?", "for how long?").
ELLIPTICAL_WORDS = 3
# What a follow-up carries forward of the conversation, at most (words of the previous question).
MEMORY_WORDS = 40
# Words a message may open with that say nothing of what it asks ("ok who do I see").
_OPENERS_RE = re.compile(
    r"^(?:(?:ok|okay|fine|alright|aight|hmm|right|well|wait|sorry|and|but|so|also|or|then|plus|"
    r"even)\b\W*)+",
    re.IGNORECASE,
)
# Sounds a message may open with that say nothing ("omg so what's the difference"), their letters
# drawn out too ("ughhhh fine. and candy??", blind dev138).
_INTERJECTION_RE = re.compile(
    r"^(?:(?:omg+|o+h+|oh my|wo+w|lol|lmao|(?:ha)+h?|hah|a+h+|u+g+h+|hm+|u+m+|u+h+|oops|whoa|"
    r"woah|yikes|damn|dang|gosh|jeez|geez|huh|aha|o+o+h+|oof|welp|e+w+|yuck)\b\W*)+",
    re.IGNORECASE,
)
# ... and close with ("how many are there lol").
_TRAILING_INTERJECTION_RE = re.compile(
    r"(?:\W+(?:lol|lmao|haha+|hehe+|lmfao|rofl|ngl|tbh|omg)\b)+\W*$", re.IGNORECASE
)
# A message that opens with one of these continues the previous question, however long.
_CONTINUES_RE = re.compile(
    r"^(?:(?:ok|okay|hmm|right|well|wait)\W+)?(?:what about|how about|what if|and if|same for|"
    r"same with|is that|does that|would that|will that|can that|and what about|besides|"
    r"other than|apart from|except|only|not even|like what|like which|which ones|any examples|"
    r"for example|give me|tell me|how so|why so|in what way|and what|and how|and why|and when|"
    r"in simpler|in simple|in plain|simpler|explain (?:it|that|this|again))\b",
    re.IGNORECASE,
)
# ... and "how long till i feel better" (doing what was just spoken of; "how long until things
# improve if I work on my gut?" says what is done).
_HOW_LONG_TILL_RE = re.compile(
    r"^(?:(?:ok|okay|hmm|right|well|wait)\W+)?how long (?:till|til|until|before|b4) (?:i|you|we|"
    r"it|things|he|she|they)\b(?!.*\b(?:if|once|after)\b)",
    re.IGNORECASE,
)
# ... and one that asks what a word of the answer means ("what do you mean by selective?",
# "holistic meaning what"): the subject stays the question's.
_CLARIFIES_RE = re.compile(
    r"^\W*(?:(?:ok|okay|so|and|sorry|wait|hmm|hm|um|but)\W+)*(?:what do you mean|what does that "
    r"mean|what(?:'s| is) meant by|what do they mean by|what does it mean by)\b|"
    r"^\W*[\w-]+\W+meaning what\W*$",
    re.IGNORECASE,
)
# ... and a few words that ask by what mechanism ("By what mechanism, precisely?", "What is
# exactly the mechanism?"): of what was just spoken of, when they name nothing else (MECHANISM_WORDS).
_MECHANISM_RE = re.compile(
    r"\b(?:what|which|whats|what's)\b(?:\W+\w+){0,3}\W+mechanisms?\b|\bmechanically\b",
    re.IGNORECASE,
)
MECHANISM_WORDS = 7
# ... and a few words that ask what kind of thing was meant ("what kind of deeper roots?", "What
# sort of deeper things", "what kind of link exactly?"), or how good the evidence for it is ("how
# strong is the evidence", "what did the studies find?", "which studies though?").
_WHAT_KIND_RE = re.compile(
    r"^\W*(?:(?:ok|okay|so|and|but|hmm|wait|right|well)\W+)*(?:(?:what|which|wat)\W+(?:kind|sort|"
    r"type|kinds|sorts|types)\W+of\b|how (?:strong|good|solid|reliable|convincing|big|large|"
    r"much) (?:is|was|are) the (?:evidence|research|link|proof|role|data)\b|what did (?:the )?"
    r"(?:studies|study|research|researchers) (?:find|show|say)\b|which (?:studies|study|research)\b)",
    re.IGNORECASE,
)
WHAT_KIND_WORDS = 6
# ... and a few words that ask for the particular of what was just said ("what gets into the
# blood exactly?", "Which joint disease in particular?"), or whether the gut is in the condition
# just asked about ("Can the gut be the reason?", "is my gut involved somehow?").
_PARTICULAR_RE = re.compile(
    r"^\W*(?:(?:ok|okay|so|and|but|hmm|wait|right|well)\W+)*(?:which|who|where|"
    r"what(?!'s|s\b|\s+(?:is|are|was|were)\b))\b.*\b(?:exactly|in particular|specifically|"
    r"precisely)\W*$|"
    r"^\W*(?:(?:ok|okay|so|and|but|hmm|wait|right|well)\W+)*(?:can|could|is|might) (?:the |my |a "
    r"|his |her )?gut (?:be |also |really |actually )*(?:involved|(?:the )?reason|(?:the )?cause|"
    r"a factor|behind it|to blame|part of it)\b",
    re.IGNORECASE,
)
PARTICULAR_WORDS = 7
# ... and one that opens "and" or "what about" with a thing named before a comma or a question
# mark ("and collagen, my daughter takes that in her coffee", "and stress? this week has been
# brutal").
_NAMES_FIRST_RE = re.compile(
    r"^\W*(?:and|or|what about|how about|and what about)\s+(?:\w[\w'-]*\s+){0,2}\w[\w'-]*\s*[,?]",
    re.IGNORECASE,
)
# ... and one that opens with only "and", "so", "but", … continues it when a few words follow:
# "and long term?", but "so does leaky gut affect muscles too" asks a question of its own.
_OPENS_RE = re.compile(r"^(?:and|but|so|also|or|then|plus|even)\b", re.IGNORECASE)
# Words that follow such an opener at most, for the message to continue the previous question.
OPENED_WORDS = 4
# A message of a few words that ends with "then" draws a conclusion from what was said ("what
# should I do then", not "Is gut-related joint pain the same thing as arthritis, then?");
# "what should I do?", "now what?" alone ask what to do about it, "how do you know?" and "what
# does the research say" for the evidence of it.
_CONCLUDES_RE = re.compile(
    r"^\W*(?:[\w']+\W+){0,5}then\W*$|"
    r"^\W*(?:(?:ok|okay|so|and|right|well|hmm)\W+)*(?:(?:what|wat|wht) (?:should|shall|"
    r"do|can|must|could) (?:i|we|she|he|they|you) do(?: now| next| about it)?|what now|now what|"
    r"what next|what do you suggest|what do you recommend|any advice|what would you do|"
    r"how do (?:you|they|we|the articles) know(?: that| this| it)?|"
    r"(?:what's|whats|what is) the difference(?: then| so| exactly)?|(?:what|where)(?:'s| is) the "
    r"(?:evidence|proof)(?: for (?:that|this|it))?|(?:is there )?any (?:evidence|proof|research)"
    r"(?: for (?:that|this|it))?|what (?:does|do) (?:the )?(?:research|science|studies|evidence) "
    r"(?:say|show)(?: about (?:that|this|it))?)\W*$",
    re.IGNORECASE,
)
# Whether to have what was just told seen to, in a few words ("omg ok 😳 should i get checked",
# "do I need to see someone?"): about it, not a question of its own.
_SEE_SOMEONE_RE = re.compile(
    r"^(?:(?:omg|ok|okay|so|hmm|right|well|and|but|then)\W+)*(?:should|shall|do|must|ought|would "
    r"you)\s+(?:i|we|he|she|they|u)\s+(?:\w+\s+){0,2}?(?:get|go|see|have|be|call|ring|book)\b"
    r"[^?.!]{0,30}?\b(?:checked|seen|looked at|tested|doctor|gp|doc|someone|somebody|professional|"
    r"specialist)\b|"
    # ... or whether it is worth it ("worth seeing someone or just rest them", blind dev140)
    r"^(?:(?:ok|okay|so|and|but|then|is it)\W+)*worth (?:seeing|getting|going to|having)\b"
    r"[^?.!]{0,30}?\b(?:checked|seen|looked at|tested|doctor|gp|doc|someone|somebody|"
    r"professional|specialist|physio)\b",
    re.IGNORECASE,
)
SEE_SOMEONE_WORDS = 9
# A choice of a few words asked of what was just said ("Causal or just correlational?", "weeks
# or months?"), of at most CHOICE_WORDS words.
_CHOICE_RE = re.compile(r"^[^?]*\bor\b[^?]*\?\W*$", re.IGNORECASE)
CHOICE_WORDS = 5
# What makes a message of a few words ask something ("why?", "for how long", "tell me more"):
# without one ("fnord", "blah"), it is not a follow-up, only an odd message.
_ASKS_RE = re.compile(
    r"\?|\b(?:why|how|what|when|where|which|who|whom|whose|is|are|was|were|does|do|did|can|"
    r"could|should|would|will|really|more|else|example|examples|explain|detail|details|again|"
    r"too|also|and|or|but|so|then|long|much|many|often|safe|for|in|with|without|after|before|"
    r"during|instead)\b",
    re.IGNORECASE,
)
# A message that says it changes the subject stands on its own, whatever follows ("ok different
# topic, my daughter gets tummy aches, is that leaky gut?").
_NEW_TOPIC_RE = re.compile(
    r"^(?:(?:ok|okay|hmm|right|well|so|and|also|anyway|anyways|oh|btw|by the way)\W+)*"
    r"(?:(?:a |one |another |a (?:totally |completely )?)?(?:different|new|other|another|unrelated|"
    r"separate|random|totally different|completely different) (?:topic|question|subject|thing|"
    r"issue|q)\b|(?:changing|change|to change) (?:the )?(?:topic|subject)\b|change of "
    r"(?:topic|subject)\b|on (?:a different|another|an unrelated) (?:note|topic)\b|unrelated\b|"
    r"off topic\b|something (?:else|different)\b)",
    re.IGNORECASE,
)
# A short question about "the" thing just spoken of ("is the damage permanent?"), of at most
# DEFINITE_WORDS words.
_DEFINITE_RE = re.compile(
    r"^\W*(?:(?:ok|okay|so|and|but|hmm|wait)\W+)*(?:is|are|was|were|does|do|did|will|would|can|"
    r"could|should|how long does|how long do|how long will) the \w+",
    re.IGNORECASE,
)
DEFINITE_WORDS = 5
# A first sentence of this many words or more, pointing at nothing, tells what the message's
# later "it" or "she" is ("I started taking zinc 3 weeks ago." is 7; "Thanks." and "That makes
# sense." are too short to tell anything, and the development conversations are unchanged by it).
TOLD_WORDS = 5
# Words that point back at what was said before.
_POINTS_BACK_RE = re.compile(
    r"\b(?:it|its|it's|itself|that|this|these|those|they|them|their|theirs|such|"
    # ("the same thing as arthritis" names what it is the same as)
    r"same(?! (?:thing |things )?as\b)|else|ones|"
    r"he|she|him|her|his|hers)\b"
    # "is there anything I should add instead?" (of what was just said; "instead of …" says it)
    r"|\binstead\b(?!\s+of\b)"
    # "what other reasons coud there be" (than those just given)
    r"|\b(?:what|which|any)\s+other\b(?!\s+than\b)"
    # "how many are there" (of what was just spoken of)
    r"|\b(?:are|is) there\W*$",
    re.IGNORECASE,
)


# What makes a message ask, where it points back or is a few words long: a question mark, a
# question word, a question's word order ("is that…", "could it…", "do u…"), a request ("tell
# me more", "explain pls") or "if". Without one, "Kevin bring the water this time 😂", "lol I said
# it MIGHT" or "count me in" in a group tell the others something: no follow-up.
_ASKS_SOMETHING_RE = re.compile(
    r"\?|\b(?:why|how|hw|what|wat|wut|whats|what's|wats|when|where|wher|which|who|whom|whose|y|"
    r"explain|elaborate|clarify|describe|expand|tell me|give me|show me|list|more|example|examples|"
    r"details?|simpler|simple|mean|meaning|pls|plz|please|any|anything)\b"
    r"|(?:^|[.!,;:] *)(?:(?:ok|okay|so|and|but|or|then|well|like|hmm|wait|right)\W+)*(?:is|are|was|"
    r"were|does|do|did|can|could|should|shoud|would|will|has|have|if|isnt|isn't|doesnt|doesn't|"
    r"cant|can't|wont|won't)\b"
    r"|\b(?:is|are|was|were|does|do|did|can|could|should|would|will|has|have)\s+(?:it|that|this|"
    r"these|those|they|there|he|she|i|u|you|we|my|mine|his|her|their|the)\b",
    re.IGNORECASE,
)
# Words that add to what was told before ("She also has a temperature today").
_ADDS_RE = re.compile(r"\b(?:also|too|as well|again|still)\b", re.IGNORECASE)
# A few words that ask by opening with these, without a question mark ("and pain", "for kids").
_BRIEF_ASKS_RE = re.compile(
    r"^(?:for|in|with|without|after|before|during|instead|and|or|but|so|also|even|long|much|many|"
    r"often|safe|really)\b",
    re.IGNORECASE,
)
# What points at the bot and its articles, not at what was asked before.
_OWN_WORDS_RE = re.compile(
    r"\b(?:this|these|those|that|the|your) (?:articles?|bot|chat|app|information|info|site|"
    r"website|answers?|quotes?|sources?)\b"
    # ... and the "it" of "worth it" ("is looking after my gut worth it for my joints?")
    r"|\bworth it\b",
    re.IGNORECASE,
)


# "it" that stands for the weather or the time of day ("why do my knees hurt when it rains",
# "worse when it's cold"): it points at nothing said before.
_WEATHER_IT_RE = re.compile(
    r"\bit(?:'s|\s+is|\s+was|\s+gets|\s+got|\s+turns|\s+starts\s+to)?\s+(?:rain\w*|snow\w*|"
    r"pour\w*|drizzl\w*|cold\w*|colder|hot|hotter|humid|damp|warm|warmer|wet|windy|freezing|"
    r"stormy|sunny|cloudy|winter|summer|dark|late|early|night|morning)\b",
    re.IGNORECASE,
)


class ExpiringMap:
    """A bounded mapping whose entries expire ``ttl`` seconds after they were set."""

    def __init__(
        self, ttl: float, max_items: int = 50_000, clock: Callable[[], float] = time.monotonic
    ):
        self.ttl = ttl
        self.max_items = max_items
        self.clock = clock
        self._items: OrderedDict = OrderedDict()

    def set(self, key, value) -> None:
        self._items.pop(key, None)
        self._items[key] = (self.clock() + self.ttl, value)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)

    def get(self, key):
        entry = self._items.get(key)
        if entry is None:
            return None
        expires, value = entry
        if self.clock() >= expires:
            del self._items[key]
            return None
        return value

    def forget(self, key) -> None:
        self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)


def is_follow_up(message: str) -> bool:
    """Whether ``message`` cannot stand on its own: it continues ("what about…", "besides…", "and"
    with a few words), points back ("is it permanent?", "when should I take her?"), draws a
    conclusion ("what should I do then"), asks briefly about "the" thing just spoken of ("is the
    damage permanent?"), or is too short to say what it asks about ("why?", "for how long?") and
    asks something (not "fnord")."""
    message = _TRAILING_INTERJECTION_RE.sub("", _INTERJECTION_RE.sub("", message.strip()))
    words = re.findall(r"[\w']+", message)
    if not words:
        return False
    if _NEW_TOPIC_RE.match(message):
        return False
    # What it says after the words that only open it ("ok so who do I see" -> "who do I see").
    said = re.findall(r"[\w']+", _OPENERS_RE.sub("", message))
    asks = bool(_ASKS_SOMETHING_RE.search(message))
    return (
        (len(said) or len(words)) <= ELLIPTICAL_WORDS
        and bool(_ASKS_RE.search(message))
        and (asks or bool(_BRIEF_ASKS_RE.match(message)))
        or bool(_CONTINUES_RE.match(message))
        or bool(_HOW_LONG_TILL_RE.match(message))
        or (len(words) <= SEE_SOMEONE_WORDS and bool(_SEE_SOMEONE_RE.match(message)))
        or (len(words) <= CHOICE_WORDS and bool(_CHOICE_RE.match(message)))
        or bool(_CLARIFIES_RE.match(message))
        or (len(words) <= MECHANISM_WORDS and bool(_MECHANISM_RE.search(message)))
        or (len(words) <= WHAT_KIND_WORDS and bool(_WHAT_KIND_RE.match(message)))
        or (len(words) <= PARTICULAR_WORDS and bool(_PARTICULAR_RE.match(message)))
        or (bool(_OPENS_RE.match(message)) and len(said) <= OPENED_WORDS)
        # "and collagen, my daughter takes that in her coffee": a thing of its own named first.
        or bool(_NAMES_FIRST_RE.match(message))
        or bool(_CONCLUDES_RE.search(message))
        # ... or tells more of what was asked about ("She also has a temperature today, 38.5").
        or (asks or bool(_ADDS_RE.search(message)))
        and bool(_POINTS_BACK_RE.search(_pointing_part(_not_pointing(message))))
        or (len(words) <= DEFINITE_WORDS and bool(_DEFINITE_RE.match(message)))
    )


def _not_pointing(message: str) -> str:
    """``message`` without the "it" of the weather, the "this" of a time and the "these" of the
    articles ("is the information in these articles meant as medical advice")."""
    message = TIME_REFERENCE_RE.sub(" ", _WEATHER_IT_RE.sub(" ", message))
    return _OWN_WORDS_RE.sub(" ", message)


def _pointing_part(message: str) -> str:
    """What of ``message`` may point back at the previous question: all of it, unless it opens
    with a sentence of its own that tells something without pointing back ("I started taking
    zinc 3 weeks ago for my knees. How long before it works?": "it" is the zinc)."""
    first, *rest = split_sentences(message) or [""]
    if rest and len(first.split()) >= TOLD_WORDS and not _POINTS_BACK_RE.search(first):
        return ""
    return message


@dataclass(frozen=True)
class Turn:
    """One message of a chat and the request that answers it."""

    chat: Hashable
    message: str
    request: Request


class Conversation:
    """The previous question of each chat, and the follow-up rule every channel applies."""

    def __init__(
        self, ttl: float = 300, clock: Callable[[], float] = time.monotonic, max_chats: int = 50_000
    ) -> None:
        self._previous = ExpiringMap(ttl, max_chats, clock)
        # The urgent advice each chat was given last, for ``ttl`` seconds: what follows an
        # emergency ("he says it's fine", "what should I do then?") leads with it again.
        self._urgent = ExpiringMap(ttl, max_chats, clock)
        # The cautions that stay with a chat for ``ttl`` seconds ("I'm pregnant", then "what
        # should I eat?").
        self._cautions = ExpiringMap(ttl, max_chats, clock)

    def plan(self, chat: Hashable, message: str) -> Turn:
        """The request for ``message``: read with the chat's previous question only when it cannot
        stand on its own and that question was asked within ``ttl`` seconds."""
        message = spoken_punctuation(without_address(without_speaker(message)))
        previous = self._previous.get(chat)
        context = previous if previous and is_follow_up(message) else None
        fix = correction(message) if previous else None
        if fix is not None and previous:
            # "sorry I meant knees not hips": the previous question again, about knees.
            again = corrected(previous, fix)
            if again is not None:
                message, context = again, None
            elif not fix.bare:
                message, context = f"what about {fix.new}?", previous
        urgent = self._urgent.get(chat) or ()
        cautions = self._cautions.get(chat) or ()
        request = Request(
            message,
            context=context,
            urgent=urgent,
            cautions=cautions,
            after_question=previous is not None,
        )
        return Turn(chat, message, request)

    def reread(self, turn: Turn, answer: Answer) -> Turn | None:
        """``turn`` again, read after the chat's previous question, when read alone it asked
        something nothing answered (``Answer.may_follow``: "What would you suggest I try first?"
        after "could the bloating and the achy joints be connected?"); else None."""
        previous = self._previous.get(turn.chat)
        if not answer.may_follow or turn.request.context is not None or not previous:
            return None
        return Turn(turn.chat, turn.message, replace(turn.request, context=previous))

    def answer(self, chat: Hashable, message: str, answer: Callable[[Request], Answer]) -> Answer:
        """``message`` answered in ``chat`` by ``answer`` (a pipeline's), the conversation's rule
        applied: planned, read again after the previous question when alone nothing answered it
        and it reads as asking something, remembered."""
        turn = self.plan(chat, message)
        first = answer(turn.request)
        again = self.reread(turn, first)
        if again is not None:
            second = answer(again.request)
            if self.takes_second(second):
                return self.settle(again, second)
        return self.settle(turn, first)

    @staticmethod
    def takes_second(second: Answer) -> bool:
        """Whether the second reading (``reread``) is the answer: only when it answers."""
        return second.status == "answered" and bool(second.quotes)

    def settle(self, turn: Turn, answer: Answer) -> Answer:
        """Remember what the chat asked (the question as answered, follow-ups with what they
        borrowed); small talk, urgent messages and fixed replies to odd input leave it as it was.
        A message nothing answered is never remembered ("fnord" is no subject, and follow-ups
        must not pile up into a question nobody asked); when it stood on its own it ends the
        previous subject too."""
        # The advice is remembered from the message that raised it, for ``ttl`` seconds: advice
        # only repeated does not keep it longer. A message that stands it down ("A&E said it's
        # fine") ends it.
        if answer.urgent_kinds and any(flag != EARLIER_FLAG for flag in answer.flags):
            self._urgent.set(turn.chat, answer.urgent_kinds)
        elif turn.request.urgent and not answer.urgent and answer.status != "small_talk":
            self._urgent.forget(turn.chat)
        question = answer.status in {"answered", "no_answer", "unmentioned"} or answer.keeps_subject
        # A question keeps the cautions it carried on, and those it did not carry end (a new topic
        # after "should I stop my methotrexate?" ends the caution its follow-ups had).
        if answer.remembered:
            self._cautions.set(turn.chat, answer.remembered)
        elif question:
            self._cautions.forget(turn.chat)
        if not question:
            return answer
        if answer.urgent and not answer.quotes:  # urgent advice alone is no subject
            return answer
        if answer.status == "no_answer":
            if turn.request.context is None and not is_follow_up(turn.message):
                # A new subject the articles do not answer: a follow-up now is about it, not
                # about what came before, and borrowing it would answer nothing.
                self._previous.forget(turn.chat)
            return answer
        words = answer.question.split()
        self._previous.set(turn.chat, " ".join(words[-MEMORY_WORDS:]))
        return answer

    def previous_question(self, chat: Hashable) -> str | None:
        return self._previous.get(chat)
