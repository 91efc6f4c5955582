"""Small talk: greetings, thanks, "ok", goodbyes and questions about the bot get a short fixed
reply and no quotes. The phrases live in ``data/small_talk.toml``, reviewed like the texts."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ConfigError
from bot.safety.language import ENGLISH

DEFAULT_SMALL_TALK_FILE = Path(__file__).resolve().parent.parent / "data" / "small_talk.toml"
# A command quotebot does not have ("/foo"): the help line answers it.
UNKNOWN_COMMAND = "unknown_command"
_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]+(?:@\w+)?(?:\s|$)")
# Small talk is short: a longer message says something more (and is not scanned for phrases).
MAX_SMALL_TALK_CHARS = 80
# Words that ask: a statement after small talk holding one asks something ("i will, what about zinc").
_ASKING = frozenset({"what", "how", "why", "when", "where", "which", "who", "whom", "whose"})
# ... and beside small talk in a short message, these ask too ("thanks, is it safe for kids").
_ASKS_TOO = _ASKING | frozenset(
    {
        "is", "are", "can", "could", "should", "do", "does", "did", "will", "would", "may",
        "might", "must", "any", "whats", "what's", "hows", "how's", "why's",
    }
)  # fmt: skip
# A message this short, holding small talk, with words of neither the articles nor a subject
# beside it ("neat, thanks", "Thank you, young man.", "thanks for being honest"), is small talk.
LOOSE_WORDS = 6
# ... holding one of these kinds.
LOOSE_KINDS = frozenset({"thanks", "greeting", "goodbye"})
# A clause opening with one of these asks, question mark or not ("shoud i see a docter"), as
# clauses are split by punctuation.
_OPENS_ASKING = _ASKS_TOO - _ASKING | frozenset(
    {"shoud", "shud", "shld", "cud", "wud", "cn", "r", "are"}
)
_CLAUSE_SPLIT_RE = re.compile(r"[,.;:!…\u2600-\u27bf\U0001f300-\U0001faff]+")
# An asking word and a verb inside a clause run on without stops ("… always bad with gas what
# can be the problem"); "which", "who", "when" and "where" relate as often as they ask.
_ASKS_INSIDE_RE = re.compile(
    r"\b(?:what|why|how)\s+(?:can|could|should|would|is|are|do|does|did|will|might|may)\b|"
    # ... or a question asked yes or no of what the message speaks of ("hi so my knees hurt a
    # lot from work is joint pain just wear and tear")
    r"\b(?:is|are)\s+(?:it|this|that|joint|joints|gut|leaky)\b|"
    r"\b(?:can|could|should|does)\s+(?:i|it|this|that|my|leaky|gut)\b"
)
# Words that lead into a clause without being its opening ("so like is it …", "ok but can …").
_LEADING = frozenset({"so", "like", "um", "umm", "uh", "well", "and", "but", "also", "ok", "okay"})
# Words that tell of someone: a greeting and a story hold one ("hi! I have celiac disease").
_TELLING = frozenset(
    {"i", "my", "me", "mine", "i've", "ive", "we", "our", "us", "he", "she", "his", "her", "he's",
     "she's", "hes", "shes", "they", "their", "here",
     # ... or someone close, by what they are to the writer ("Dad's knee is swollen again, like
     # a balloon", "Mum's appointment went ok, rheumatologist upped her dose")
     "dad's", "mum's", "mom's", "son's", "daughter's", "wife's", "husband's", "grandad's",
     "grandma's", "nan's", "sister's", "brother's",
     # ... or of the day it tells of ("Evening all, rough flare day today")
     "today", "tonight", "yesterday", "lately", "recently",
     # ... or says it only tells ("Had a rough flare this week, just venting")
     "venting", "vent", "sharing", "fyi"}
)  # fmt: skip
# ... of whom a story without a greeting tells: not "me" or "us" ("write me a poem").
_TELLS_OF = _TELLING - {"me", "us", "mine", "here"}
# ... or the writer's age given as an introduction ("hey, 29, RA since last year", "lupus dx at
# 27 🙃", "Cyclist, 55, starting to feel it in my hips."), not an hour, a dose or a count.
# ... or news of the writer's diagnosis, told without "I" ("Got diagnosed with rheumatoid arthritis
# last month. Still processing it tbh.", blind dev142).
_DIAGNOSIS_TOLD_RE = re.compile(
    r"^\W*(?:(?:so|well|just|finally|recently|officially)\s+)*(?:got|was|been|getting)\s+"
    r"(?:(?:just|finally|officially|recently)\s+)?(?:diagnosed|dx'?d)\b",
    re.IGNORECASE,
)
_AGE_TOLD_RE = re.compile(
    r"(?:^|[,.;:]\s*|\bat\s+|\baged?\s+)[1-9]\d?(?:\s*(?:yo|y/o|yrs?|years? old))?"
    r"(?=\s*(?:[,.;:!]|$)|\s+[^\w\s])",
    re.IGNORECASE,
)
# What asks wherever it stands in a message without a question mark: "what", "how", "why" (not
# "what a relief"), a verb before its subject ("will my joints", "am i doing"), "… or nah".
_ASKS_ANYWHERE_RE = re.compile(
    r"\b(?:what|how|why)\b(?! an? )|"
    r"\b(?:will|would|can|could|should|do|does|did) (?:i|my|it|we|they|he|she|you|"
    r"your|her|his|our|their|this|that|there|these|those|sorting|fixing|healing|a|an)\b|"
    r"\b(?:am|is|are) (?:i|it|we|they|he|she|you|u|this|there)\b|"
    # (not "won't let me do the long route this week", blind dev139)
    r"(?<!\bme )(?<!\bto )\b(?:will|would|can|could|should|do|does|did|can't|won't|don't|"
    r"doesn't|shouldn't|wouldn't|couldn't|isn't|aren't) (?:i|my|it|we|they|he|she|you|your|the|"
    r"this|that|there)\b|"
    r"\bwho (?:should|can|could|do|does|would|will)\b|\bdoes (?!not\b)\w|"
    r"\b(?:is|are) (?:it |that |this )?(?:ok|okay|good|bad|safe|fine|normal)$|"
    r"\bor (?:nah|not|no)\b|"
    # ... and a condition put to the answer before ("and if I sleep 5 hours only", blind dev138)
    r"^(?:and|but|so|ok|okay) (?:what )?if\b"
)
# Words before "night", "morning" … that make them a time ("at night", "this morning").
_TIME_WORDS = frozenset(
    {"at", "in", "last", "this", "every", "each", "the", "all", "by", "until", "till", "tomorrow",
     "yesterday", "one", "that", "some", "most", "per", "during", "through", "overnight"}
)  # fmt: skip
# Words that open a request rather than a story ("give me concrete steps", "list the foods").
_REQUESTS = frozenset(
    {"give", "show", "list", "name", "describe", "define", "summarise", "summarize", "compare",
     "translate", "write", "best", "top", "any", "recommend", "check", "tell", "explain", "help",
     "share", "quote", "find", "send", "say", "let", "lets", "let's", "go", "continue", "more",
     "elaborate", "clarify", "expand", "again", "repeat"}
)  # fmt: skip
# ... and words that ask wherever they stand ("I'd love to learn about leaky gut").
_REQUESTS_TOO = frozenset(
    {"question", "questions", "ask", "asking", "learn", "interested", "understand", "looking",
     "figured", "thought", "heard", "assumed", "believed", "supposedly", "apparently",
     "read", "confused", "unsure", "unclear", "idea"}
)  # fmt: skip
# A name called at the opening of a message ("Mom, …").
_VOCATIVE_RE = re.compile(r"^\W*(\w+)\s*,")
# Words that follow a word for someone called without a comma ("Mum did you …").
_SAID_TO_THEM = frozenset(
    ["did", "do", "are", "were", "have", "can", "could", "will", "would", "you", "u", "ur",
     "your", "the", "pls", "please", "plz", "dont", "don't", "stop", "come", "go", "look"]
)  # fmt: skip
# Enough of a message to hold its first three words.
_OPENING_CHARS = 80
# A message opening with a name written with a capital, and the comma after it if there is one.
_NAMED_RE = re.compile(r"^\W*([A-Z][a-z]+)\b(\s*,)?")
# What follows a name and its comma when the message introduces its writer ("Margaret, 81, …").
_INTRODUCES_RE = re.compile(r"\s*(?:\d|here\b|aged\b|from\b)", re.IGNORECASE)
# The bot called as well: by its @name, or by "bot" opening a sentence ("… Bot, what gets
# through?"; not "Maya you're so weird for asking a bot about yogurt").
_BOT_CALLED_RE = re.compile(
    r"@\w*bot\b|(?:^|[.!?]\s+)(?:(?:hey|ok|okay|so)\s+)?(?:quote_?)?bot\b", re.IGNORECASE
)
# After a given name, words that ask them ("Mehmet what time do we meet?", "Maya you're so weird").
_ASKS_NAMED = frozenset(
    ["what", "when", "where", "why", "how", "who", "which", "you're", "youre", "wasn't", "weren't",
     "r", "how's", "hows"]
)
_HOW_ARE_YOU_RE = re.compile(
    r"^\W*\w+\W+how(?:'s|’s| is| are| was| were| did| has)\s+(?:you|your|ur|u)\b", re.IGNORECASE
)
# Someone told to see a professional: "you need to go to the doctor", "go see the physio".
_SENDS_SOMEONE_RE = re.compile(
    r"(?:^|\b(?:told you|mate|mum|mom|dad|babe|hun|honestly|just|seriously)\s+)go (?:and )?see "
    r"(?:a |the |your |ur )?(?:doctor|gp|doc|physio|physiotherapist|nurse|specialist|"
    r"rheumatologist|dentist)\b|"
    r"\b(?:you|u) (?:need to|needa|should|must|gotta|have to|better) (?:go (?:to|and see|see) |see |"
    r"get (?:it|that|them|this) (?:checked|looked at) by )(?:a |the |your |ur )?(?:doctor|gp|doc|"
    r"physio|physiotherapist|nurse|specialist|rheumatologist)\b"
)
# "Sarah has he …", "Tom is she …": asking one about someone else.
_ASKS_OF = frozenset(["has", "is", "was", "does", "did", "have", "are"])
_SOMEONE = frozenset(["he", "she", "they", "it", "her", "him", "your", "ur"])
# Words that open a message with a comma and call no one ("Hi, …", "Doctor, …").
_NOT_CALLED = frozenset(
    ["ok", "okay", "so", "well", "yes", "yeah", "yep", "no", "nope", "please", "pls", "sorry",
     "hi", "hey", "hello", "also", "and", "but", "or", "then", "now", "look", "listen",
     "honestly", "seriously", "actually", "anyway", "btw", "doctor", "doc", "sir", "madam",
     "maam", "mate", "bot", "quotebot", "lol", "haha", "wait", "hmm", "right", "sure", "true",
     "fine", "thanks"]
)  # fmt: skip
# "this" and "that" that stand for a time ("this time", "this weekend", "that night"), and "same
# time": they point at nothing said before.
TIME_REFERENCE_RE = re.compile(
    r"\b(?:this|that|these|those)\s+(?:time|times|weekend|week|morning|afternoon|evening|night|"
    r"year|month|day|days|monday|tuesday|wednesday|thursday|friday|saturday|sunday|season|summer|"
    r"winter|spring|autumn|fall)\b|\bsame (?:time|place|day|spot|table)\b",
    re.IGNORECASE,
)
# The kind of a message meant for the others in a group chat (``SmallTalk.within``).
ASIDE = "aside"
# ... and of a message that speaks of nothing the articles or the subjects do.
OFF_TOPIC = "off_topic"
# A story that ends saying it only wanted to be told ("Sorry, just venting."), read as a story
# up to MAX_VENTING_CHARS.
_VENTING_RE = re.compile(
    r"\b(?:just venting|just needed to vent|needed to vent|had to vent|rant over|end of rant|"
    r"sorry for the rant|sorry for ranting|sorry for the long message|thanks for listening|"
    # ... or that the question comes later ("Not asking anything yet, just setting the scene")
    r"setting the scene|some background first|background first|context first|"
    r"questions? (?:to follow|coming|later))\W*$",
    re.IGNORECASE,
)
MAX_VENTING_CHARS = 600
# ... where what it says it does not ask is no asking ("not asking anything just venting").
_NOT_ASKING_RE = re.compile(
    r"\b(?:i'?m |im )?not (?:really )?asking (?:anything|for anything|a question|for advice)\b",
    re.IGNORECASE,
)


# A story of a few sentences that asks nothing anywhere ("Hi. Sorry this is going to be long. I was
# diagnosed with rheumatoid arthritis three weeks ago and I have barely slept since, …", blind
# dev132, dev136, dev139: the writers tell before they ask) is a story up to this long.
MAX_STORY_CHARS = 400


def _as_told(message: str) -> tuple[str, int]:
    """``message`` as a story is read, and the longest a story may be: a longer one counts when
    it says it only wanted to be told ("… Sorry, just venting."), and what it says it does not
    ask is no asking ("… not asking anything just venting")."""
    if _VENTING_RE.search(message[-40:]) is None:
        return message, MAX_STORY_CHARS
    return _NOT_ASKING_RE.sub(" ", message), MAX_VENTING_CHARS


# Small talk among other words is read in messages no longer than this (``SmallTalk.within``).
MAX_WITHIN_CHARS = 160
_WORD_IN_TEXT_RE = re.compile(r"(?<![\w'])[\w']+(?![\w'])")
# A message's words as small talk is read (_words), and a letter said twice or more.
_WORD_RE = re.compile(r"\w+(?:'\w+)*")
_REPEATED_RE = re.compile(r"(\w)\1+")
# Words that make a message a remark, not a search for words ("I take zinc and honestly can't
# tell any difference", not "zinc dosage"): someone who speaks, a verb that tells, a sound.
_REMARKING = _TELLING | frozenset(
    _REPEATED_RE.sub(r"\1", word)  # as messages are read: "sorry" is "sory"
    for word in (
        "you", "your", "u", "ur", "it's", "its", "that's", "thats", "there's", "theres", "i'm",
        "im", "i'll", "i'd", "we're", "you're", "they're", "was", "were", "am", "has", "had",
        "won't", "can't", "cant", "don't", "dont", "doesn't", "didn't", "sorry", "haha", "lol",
        "lmao", "mate", "guys", "literally", "honestly", "again", "stays", "costs", "brought",
        "took", "thanks", "thank", "cheers", "ta",
    )
)  # fmt: skip
# A clause opening with one of these asks ("is it normal", "shoud i see a docter"); and these
# ask of the others anywhere ("has acupuncture helped anyone with the lower back pain").
_OPENS_ASKING = frozenset(_REPEATED_RE.sub(r"\1", word) for word in _ASKS_TOO)
_ASKS_OTHERS = frozenset({"anyone", "anybody", "somebody", "someone"})
# A question asked about ("she wants to know if …", "wondering whether …").
_ASKS_INDIRECTLY_RE = re.compile(
    r"\b(?:know|knows|wonder|wondering|wondered|ask|asking|asks|asked|curious|unsure|sure|idea)"
    r" (?:if|whether|why|how|what|when|where|which)\b|\bwhether\b"
)
# "who ate my hummus", "Right, who took my stapler again": who did a thing, asked of the group.
_BLAMES_RE = re.compile(
    r"^(?:(?:ok|okay|right|so|oi|ugh|seriously|again|alright|hey)\s+)*who(?:'s| has| had)?\s+"
    r"(?:ate|eaten|took|taken|left|stole|stolen|moved|nicked|pinched|finished|used|drank|drunk|"
    r"borrowed|broke|parked|forgot|locked|unlocked|keeps|kept|touched|hid|hidden|swiped|turned|"
    r"opened|unplugged|put|spilled|spilt|binned|threw)\b"
)
# ... and one that asks what someone did ("Did she ring the surgery?", "did he have a fever this
# time?", "Did anyone take the chicken out of the freezer?"): only the others know (blind dev136,
# dev139).
_ASKS_WHAT_THEY_DID_RE = re.compile(
    r"^(?:(?:ok|okay|right|so|and|hey|wait)\s+)*did\s+(?:he|she|anyone|anybody|someone|"
    r"somebody|mum|mom|dad|nan|grandma|grandpa)\s+(?:ring|call|phone|book|go|went|remember|pick|"
    r"bring|manage|finish|have a|get back|get the|take the|make it|sleep)\b"
)
# A message that opens scoffing ("let me guess, …", "oh here we go"): doubt, when it asks nothing.
_SCOFFS_RE = re.compile(
    r"^\W*(?:(?:oh|ok|okay|so|right|ugh|lol|haha)\W+)*(?:let me guess|lemme guess|here we go|"
    r"here we go again|surprise surprise|what a surprise|sure jan)\b",
    re.IGNORECASE,
)
# A question whether something helps, eases or heals ("can fixing my gut help my joints?").
_ASKS_WHETHER_IT_HELPS_RE = re.compile(
    r"\b(?:help|helps|helped|relief|relieve|relieves|fix|fixing|fixes|heal|healing|heals|improve|"
    r"improving|improves|reduce|reduces|reducing|ease|eases|better|treat|treating|work on|"
    r"working on|do about|get rid)\b",
    re.IGNORECASE,
)
# "has anyone studied …", "anyone tried …", "does anyone else get …": a question asked of the
# group, even without a question mark.
_ASKS_THE_GROUP_RE = re.compile(
    r"\b(?:has|have|does|do|did|is|are|can|could|would|will)\s+(?:any|some)(?:one|body)\b|"
    r"\b(?:helped|helps|help|worked|works|work)\s+(?:for\s+)?(?:any|some)(?:one|body)\b|"
    r"\b(?:any|some)(?:one|body)\s+(?:know|knows|tried|try|use|uses|used|studied|study|looked|"
    r"researched|heard|read|recommend|suggest|else\s+(?:have|had|get|got|use|tried|take|find))\b"
)
# "why does everyone keep saying …": everyone spoken of, not spoken to.
_OF_EVERYONE_RE = re.compile(
    r"\b(?:why|how|what|when|where)\s+(?:does|do|did|is|are|has|have|would|will|can|should)\s+"
    r"(?:every(?:one|body)|people)\b|\bevery(?:one|body)\s+(?:keeps|says|tells|thinks|reckons)\b"
)
# Words that tell of health only beside others ("bleeding again", "still hurts").
_ONLY_WITH_OTHERS = frozenset({"again", "stil"})
# "… is that bad for my gut": a verb before what it asks about, inside a run-on message.
_IS_IT_RE = re.compile(r"\b(?:is|are|was|were) (?:that|it|this|there|these|those|he|she|they)\b")
# Words of seeing someone or of a club's results, told beside small talk without a worry
# ("Thanks, booking the GP now just in case", "Swim gala results are up on the club site").
_SEEING_SOMEONE = frozenset(
    _REPEATED_RE.sub(r"\1", word)
    for word in ("gp", "doctor", "doctors", "doc", "physio", "appointment", "results", "clinic")
)
# ... or a picture, an exclamation, a time of day, a notice ("Reminder: bake sale Friday").
_PICTURE_RE = re.compile(
    r"[\U0001F300-\U0001FAFF\u2600-\u27BF!]|\b\d{1,2}(?::\d\d)? ?(?:am|pm)\b|"
    r"^(?:reminder|fyi|psa|update|heads up)\b",
    re.IGNORECASE,
)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


@dataclass(frozen=True)
class SmallTalk:
    """The phrases of each kind of small talk, and which kind answers a mixed message."""

    order: tuple[str, ...]
    phrases: dict[str, tuple[tuple[str, ...], ...]]  # kind -> phrases as word tuples
    emoji: dict[str, str]  # emoji -> kind
    filler: frozenset[str]
    # Chat spellings read as the words they stand for ("r u a bot" is "are you a bot").
    spelling: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # What may follow small talk without asking anything ("thank you, I will ring my GP"): a
    # message holding small talk, with no question mark, may end with one of these and any words.
    statements: tuple[tuple[str, ...], ...] = ()
    # Chat spellings read in questions ("wen shud i"): ``spelling``'s and the file's own.
    question_spelling: dict[str, str] = field(default_factory=dict)
    # Phrases of questions read as the ones the articles answer ("how quickly" is "how long").
    question_phrases: dict[str, str] = field(default_factory=dict)
    # Follow-ups that are only these words, read as the question they stand for ("how?" after
    # "can leaky gut cause joint pain?" is "how does that happen").
    question_alone: dict[tuple[str, ...], str] = field(default_factory=dict)
    # ... and after a question whether something helps ("how?" is what steps help).
    question_alone_after_help: dict[tuple[str, ...], str] = field(default_factory=dict)
    # Words around such a follow-up that ask nothing themselves ("wait", "tho").
    question_alone_filler: frozenset[str] = frozenset()
    # The phrases of another language (among ``phrases``), by language code: "gracias" is
    # thanked in Spanish.
    languages: dict[tuple[str, ...], str] = field(default_factory=dict)
    # Said alone with a question mark, these ask whether what was said holds ("right?").
    asking: frozenset[tuple[str, ...]] = frozenset()
    # Words that may stand beside thanks, a greeting or a goodbye in a short message ("neat,
    # thanks", "Thank you, young man."): praise, parting, the day.
    loose_words: frozenset[str] = frozenset()
    # Words that tell something of health ("died", "dizzy"): beside small talk among other words,
    # the message is not small talk (``within``).
    tells: frozenset[str] = frozenset()
    # Words that ask without a question mark ("wondering", "advice"): a greeting and a story
    # beside one asks (``greets_and_tells``).
    asking_cues: frozenset[str] = frozenset()
    # Phrases that speak to the others in a group chat ("anyone", "who's in"): a message holding
    # one, or opening with someone's @name, that the articles do not answer is meant for them
    # (``within``); so is one that opens calling one of ``vocatives`` ("Mom, …").
    to_others: tuple[tuple[str, ...], ...] = ()
    # Plans made with the others ("Jas you on tonight?"): a question holding one that says
    # nothing the articles or the subjects speak of is an aside.
    plans: tuple[tuple[str, ...], ...] = ()
    vocatives: frozenset[str] = frozenset()
    given_names: frozenset[str] = frozenset()
    # The day, news, a laugh or a friendly word: a story of health holding one only tells
    # (``only_tells``: "my knees are killing me today lol"); words, and emoji as written.
    remark_cues: tuple[tuple[str, ...], ...] = ()
    remark_emoji: tuple[str, ...] = ()
    # Phrases that say what was read is understood ("that explains", "i understand now"):
    # beside them, words of health are what was understood, not a story (``understands``).
    understood: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        # Phrases looked for among a message's words, by their first word: a message is read
        # once, not once for each phrase.
        for name in ("to_others", "understood", "remark_cues", "plans"):
            object.__setattr__(self, f"_{name}_by_first", _by_first(getattr(self, name)))
        # A message is scanned word by word, its chat spellings read as words ("i'm" as "i am"),
        # and so are the phrases. Each phrase once, with the kind that lists it first; by first
        # word, the lengths its phrases have, longest first (a word may start thousands of
        # phrases: "i can't cope …").
        kind_of: dict[tuple[str, ...], str] = {}
        lengths: dict[str, set[int]] = {}
        for kind, phrases in self.phrases.items():
            for written in phrases:
                phrase = tuple(w for word in written for w in self.spelling.get(word, (word,)))
                kind_of.setdefault(phrase, kind)
                lengths.setdefault(phrase[0], set()).add(len(phrase))
        object.__setattr__(self, "_kind_of", kind_of)
        object.__setattr__(
            self, "_lengths", {word: sorted(n, reverse=True) for word, n in lengths.items()}
        )
        # What a message must open with to greet, or close with to tell distress: most messages
        # are told apart by one word, before they are read whole.
        greeting = {p[0] for p in self.phrases.get("greeting", ())}
        distress = {p[-1] for p in self.phrases.get("distress", ())}
        object.__setattr__(self, "_greeting_openers", frozenset(greeting))
        object.__setattr__(self, "_distress_closers", frozenset(distress))
        object.__setattr__(self, "_question_spelling", dict(self.question_spelling))
        phrases = sorted(self.question_phrases, key=len, reverse=True)
        object.__setattr__(
            self,
            "_phrases_re",
            re.compile(r"\b(?:" + "|".join(map(re.escape, phrases)) + r")\b", re.IGNORECASE)
            if phrases
            else None,
        )

    def spelled_out(self, question: str, *, follow_up: str = "") -> str:
        """``question`` with its chat spellings as the words they stand for ("my knees r killin
        me lol" -> "my knees are killing me"); every other character as written. A follow-up
        (``follow_up``: the question it follows) asks what the articles answer in their phrases
        ("how quickly?" after "can improving gut health reduce joint pain?" is "how long?"; on
        its own, "how soon can I drive after a hip replacement" is not)."""
        table = self._question_spelling

        def spell(match: re.Match) -> str:
            return table.get(match.group(0).casefold(), match.group(0))

        spelled = _WORD_IN_TEXT_RE.sub(spell, question) if table else question
        if follow_up and self.question_alone:
            said = tuple(_words(spelled))
            # ... after a question whether something helps ("Do people get lasting relief by
            # working on their gut?"), "How?" asks what to do (``follow_up``: that question).
            helps = _ASKS_WHETHER_IT_HELPS_RE.search(follow_up)
            alone = self._alone(said, helps)
            if alone is None:
                # ... with the words that only carry it left out ("wait how tho", "ok but why")
                start, end = 0, len(said)
                while start < end and said[start] in self.question_alone_filler:
                    start += 1
                while end > start and said[end - 1] in self.question_alone_filler:
                    end -= 1
                if (start, end) != (0, len(said)):
                    alone = self._alone(said[start:end], helps)
            if alone is not None:
                return alone
        if follow_up and self._phrases_re is not None:
            spelled = self._phrases_re.sub(
                lambda match: self.question_phrases[match.group(0).casefold()], spelled
            )
        return " ".join(spelled.split()) if spelled != question else question

    def _alone(self, said: tuple[str, ...], helps: object) -> str | None:
        """What a follow-up of only the words ``said`` asks, in the articles' phrases."""
        return (self.question_alone_after_help.get(said) if helps else None) or (
            self.question_alone.get(said)
        )

    def kind(
        self, message: str, says_something: Callable[[str], bool] | None = None
    ) -> str | None:
        """The kind of small talk ``message`` is, or None when it says or asks something more.
        ``says_something``: whether words speak of what the articles or the subjects do; with
        it, a short message of small talk and other words that do not ("neat, thanks") is small
        talk too."""
        if _COMMAND_RE.match(message):
            return UNKNOWN_COMMAND
        if (
            len(message) <= MAX_WITHIN_CHARS
            and _SCOFFS_RE.match(message)
            and self.asks_nothing(message)
        ):
            return "doubt"  # "Let me guess, you're going to tell me everything is leaky gut."
        if len(message) > MAX_SMALL_TALK_CHARS:
            return None
        said = _words(message)  # read once for the looks below
        if "?" in message and tuple(said) in self.asking:
            return None  # "right?" asks the question before it again
        if said and "?" not in message and self.question_alone_filler.issuperset(said):
            return "ack"  # "so", "um ok" (blind dev130: "so" was quoted "Not exactly.")
        found = self._kinds(message, [], said)
        if not found and says_something is not None and "?" not in message:
            found = self._loose_kinds(message, says_something, said)
        if not found:
            return None
        return next(kind for kind in self.order if kind in found)

    def within(
        self, message: str, says_something: Callable[[str], bool] | None = None
    ) -> str | None:
        """The kind of small talk ``message`` holds among words that are no small talk ("Lovely
        chatting with you dear, bye now"), when it asks nothing and tells nothing of health
        (``tells``: "thanks, dad died from this"); else None. What a message that the articles
        do not answer is answered with, instead of "I could not find a passage". A message
        that speaks to the others in a group chat ("Anyone see the game last night?", "@Dave you
        owe me a coffee") and tells nothing of health is an aside, asking or not. With
        ``says_something``, a remark that asks nothing and speaks of nothing the articles or the
        subjects do is acknowledged ("Kevin bring the water this time")."""
        if len(message) > MAX_WITHIN_CHARS:
            return None
        words = self._spelled(message)
        if self._calls_by_word(message):
            return ASIDE  # "Mom, did you take your pills?", whatever it speaks of
        if _BLAMES_RE.match(" ".join(words)) or _ASKS_WHAT_THEY_DID_RE.match(" ".join(words)):
            # "who ate my hummus", "Who left the shed unlocked again", "who broke the coffee
            # machine again" (blind dev132: "broke" tells of health, a bone): who did it is for
            # the others to say.
            return ASIDE
        if self.tells.intersection(words) - _ONLY_WITH_OTHERS:
            return None  # ("morning all, class still on at 7 tmrw?" tells nothing of health)
        if self.to_the_group(words):
            return ASIDE
        if self.calls_someone(message, says_something) or self.makes_plans(
            message, says_something
        ):
            return ASIDE  # "@Dave you owe me a coffee", "Jas you on tonight?"
        if "?" in message or _ASKING.intersection(words):
            return None
        if self._a_clause_asks(message):  # "shoud i see a docter", not "I hope you are well"
            return None
        found = set(self._kinds_at_ends(words))
        for emoji, kind in self.emoji.items():
            if emoji in message:
                found.add(kind)
        kind = next((kind for kind in self.order if kind in found), None)
        # A remark that asks nothing, requests nothing and says nothing the articles or the
        # subjects speak of ("Kevin bring the water this time 😂", "Finished chapter 12 finally,
        # that ending!!") is taken note of, not told that no passage answers it; so is one that
        # speaks of them when it plainly only remarks ("I take zinc and honestly can't tell any
        # difference", "Wine stays on the menu, non-negotiable 🍷"), not "zinc dosage".
        if (
            kind is None
            and says_something is not None
            and len(words) >= 2
            and words[0] not in _REQUESTS
            and not _REQUESTS_TOO.intersection(words)
            and not self.asking_cues.intersection(words)
            and (
                not says_something(TIME_REFERENCE_RE.sub(" ", message))
                or self.remarks(message, words)
            )
        ):
            return "ack"
        return kind

    def to_the_group(self, words: list[str]) -> bool:
        """Whether a message's ``words`` speak to the others in a group chat ("anyone", "morning
        all", "who's in"; not "why does everyone keep saying it needs a holistic approach?")."""
        if _OF_EVERYONE_RE.search(" ".join(words)):
            return False
        return bool(_held(words, self._to_others_by_first, first_only=True))

    def tells_the_group(self, message: str) -> str | None:
        """The small talk of a message told to the others in a group chat that asks nothing
        ("Hi all, Marcus, dx'd with RA in March. still a bit overwhelmed"): "story" when it tells
        of health, else "aside"; None when it asks, requests, or is not told to the group. One
        that opens calling someone else by name asks them, not the bot ("Margaret, did the new
        tablets help?"): an aside, whatever it asks."""
        if self._calls_by_word(message):
            return ASIDE
        if "?" in message:
            return None  # most questions: read no further
        words = self._unrequested_words(message, MAX_WITHIN_CHARS)
        if words is None or not self.to_the_group(words) or not self.asks_nothing(message, words):
            return None
        if _ASKS_THE_GROUP_RE.search(" ".join(words)):
            return None  # "has anyone studied gut health and rheumatoid arthritis"
        return "story" if self.tells_of_health(message) else ASIDE

    def reply_to_remark(
        self, message: str, says_something: Callable[[str], bool] | None = None
    ) -> str | None:
        """The small talk a message nothing answers is answered with: what :meth:`within` finds,
        or, for a remark that asks nothing, "story" when it tells of the one writing or someone
        close ("ok I'm calling my doctor now") and "ack" otherwise ("Swim gala results are up
        on the club site 🏊"); None when it asks or reads as words to search for."""
        kind = self.within(message, says_something)
        if kind is not None:
            return kind
        words = self._remark_words(message, MAX_WITHIN_CHARS)
        if words is None:
            return None
        kind = self._kind_at_ends(words)
        if self.tells.intersection(words) - _SEEING_SOMEONE:
            # Of health: a story of the one writing or someone close, taken as such ("I take zinc
            # and honestly can't tell any difference"); not beside thanks or an ok ("thanks, dad
            # died from this"), where it may be a worry.
            return "story" if kind is None and _TELLS_OF.intersection(words) else None
        # ... answered as the small talk it opens or ends with ("Thanks, booking the GP now").
        return kind or ("story" if _TELLS_OF.intersection(words) else "ack")

    def reaction(self, message: str) -> str | None:
        """The small talk a remark that asks nothing is answered with right after an answer
        ("Thanks. Off to the GP then.", "feels like my knees are a bit better already honestly"):
        distress it ends on, the small talk it opens or ends with, "story" when it tells of the
        one writing or of health, else "ack"; None when it asks or requests ("give me concrete
        steps")."""
        words = self._remark_words(message, MAX_WITHIN_CHARS * 2)
        if words is None:
            return None
        if self.ends_in_distress(message):
            return "distress"
        tells = _TELLS_OF.intersection(words) or self.tells_of_health(message)
        return self._kind_at_ends(words) or ("story" if tells else "ack")

    def tells_of_health(self, message: str) -> bool:
        """Whether ``message`` holds a word that tells of health ("sore", "diagnosed", "gut")."""
        return bool(self.tells.intersection(self._spelled(message)) - _ONLY_WITH_OTHERS)

    def remark_of_nothing(self, message: str) -> str | None:
        """The small talk a remark right after a question is answered with when it tells nothing
        of health ("Sorry to hear that, you'll still beat me up the hills", "Ours had that too,
        it passed after a few months"): the kind it opens or ends with, else "ack"; None when
        it asks, or tells more of health ("She also has a temperature today, 38.5")."""
        words = self._remark_words(message, MAX_WITHIN_CHARS)
        if words is None or self.tells.intersection(words) - _SEEING_SOMEONE - _ONLY_WITH_OTHERS:
            return None
        return self._kind_at_ends(words) or "ack"

    def _remark_words(self, message: str, longest: int) -> list[str] | None:
        """``message``'s words when it is a remark of at most ``longest`` characters that
        requests nothing; else None."""
        words = self._unrequested_words(message, longest)
        return words if words is not None and self.remarks(message, words) else None

    def _unrequested_words(self, message: str, longest: int) -> list[str] | None:
        """``message``'s words when it has at most ``longest`` characters and requests nothing
        ("give me concrete steps", "I'd love to learn about leaky gut"); else None."""
        if len(message) > longest:
            return None
        words = self._spelled(message)
        if not words or words[0] in _REQUESTS or _REQUESTS_TOO.intersection(words):
            return None
        return words

    def _kind_at_ends(self, words: list[str]) -> str | None:
        """The first kind, in the file's order, of the small talk ``words`` open or end with."""
        found = set(self._kinds_at_ends(words))
        return next((kind for kind in self.order if kind in found), None)

    def remarks(self, message: str, words: list[str] | None = None) -> bool:
        """Whether ``message`` is a remark: it asks nothing (no question mark, no word or clause
        that asks) and reads as said to someone (a word of who speaks, a verb that tells, a
        sound, a picture), not as words to search for ("gut health tips")."""
        words = self._spelled(message) if words is None else words
        if _ASKS_OTHERS.intersection(words) or not self.asks_nothing(message, words):
            return False
        return bool(_REMARKING.intersection(words)) or bool(_PICTURE_RE.search(message))

    def asks_nothing(self, message: str, words: list[str] | None = None) -> bool:
        """Whether ``message`` asks nothing: no question mark, no word or clause that asks."""
        words = self._spelled(message) if words is None else words
        if "?" in message or _ASKING.intersection(words):
            return False
        if _ASKS_INDIRECTLY_RE.search(" ".join(words)):
            return False  # "she wants to know if sugar is bad for joint pain"
        if self._a_clause_asks(message):
            return False
        # ... read with chat spellings as the words they stand for ("shoud i see a docter").
        spelled = self.spelled_out(message).casefold()
        said = " ".join(_WORD_RE.findall(spelled))
        if _ASKS_ANYWHERE_RE.search(said) or _IS_IT_RE.search(said):
            return False
        for clause in _CLAUSE_SPLIT_RE.split(spelled):
            said = _words(clause)
            if said and said[0] in _OPENS_ASKING:
                return False
        return True

    def calls_someone(
        self, message: str, says_something: Callable[[str], bool] | None = None
    ) -> bool:
        """Whether ``message`` opens by calling someone else, by a word for them ("Mom, …"), by
        their @name, or by a name before words of nothing the articles or the subjects speak of
        ("Rachel, playdate Thursday? 🛝"): an aside, even right after a question."""
        if message.lstrip().startswith("@") or self._calls_by_word(message):
            return True
        called = _VOCATIVE_RE.match(message)
        if not called:
            return False
        return (
            called[1][:1].isupper()
            and called[1].casefold() not in _NOT_CALLED
            and says_something is not None
            and not says_something(message)
        )

    def makes_plans(
        self, message: str, says_something: Callable[[str], bool] | None = None
    ) -> bool:
        """Whether ``message`` asks the others about plans and speaks of nothing the articles or
        the subjects do ("Jas you on tonight?", "lunch at 1?", "next month same time?")."""
        return (
            "?" in message
            and says_something is not None
            and _held(self._spelled(message), self._plans_by_first, first_only=True)
            and not says_something(TIME_REFERENCE_RE.sub(" ", message))
        )

    def _calls_by_word(self, message: str) -> bool:
        """Whether ``message`` opens calling someone by a word for them ("Mom, …"), or without a
        comma before words said to them ("Mum did you take your pills today?", "Mum the bot
        isn't a doctor 🙄"; not "Mum has RA, what can help her?")."""
        called = _VOCATIVE_RE.match(message)
        if called and self.vocatives.intersection(_words(called[1])[:1]):
            return True
        # (the first three words: read from the message's opening, every answer passes here)
        first, second, third = (_words(message[:_OPENING_CHARS])[:3] + ["", "", ""])[:3]
        if first in self.vocatives and second in _SAID_TO_THEM:
            return True
        # ... or asking how they are ("Mummy how is your knee now?", blind dev140; not "mum how
        # can i help her joint pain")
        if first in self.vocatives and _HOW_ARE_YOU_RE.match(message):
            return True
        # ... or by their given name, written with a capital: then a comma ("Margaret, did the
        # new tablets help?"; not "Margaret, 81, …" nor "Margaret, here"), words said to them
        # ("Ron did you …") or a question about someone else ("Sarah has he been to the GP?").
        named = _NAMED_RE.match(message)
        if not named or named[1].casefold() not in self.given_names:
            return False
        if _BOT_CALLED_RE.search(message):
            return False  # "George, my sister read … Bot, what gets through?"
        if named[2]:
            return not _INTRODUCES_RE.match(message, named.end())
        return (
            second in _SAID_TO_THEM
            or second in _ASKS_NAMED
            or (second in _ASKS_OF and third in _SOMEONE)
        )

    def sends_someone(self, message: str) -> bool:
        """Whether ``message`` tells someone else, without asking, to see a professional ("you
        need to go to the doctor, not ask a bot", "told you mate, go see the physio")."""
        said = " ".join(_WORD_RE.findall(message.casefold()))
        return bool(_SENDS_SOMEONE_RE.search(said)) and self.asks_nothing(message)

    def understands(self, message: str) -> str | None:
        """The kind of small talk of a message that says what it read is understood and asks
        nothing ("Thanks, that explains my knees.", "ok so the gut matters, i understand now");
        else None. Its words of health are what was understood, not something told."""
        if "?" in message or len(message) > MAX_WITHIN_CHARS or not self.understood:
            return None
        words = self._spelled(message)
        held = _held(words, self._understood_by_first)
        if not held:
            return None
        # ("i didn't know that": "know" asks only outside the phrase)
        said = set(words) - {word for phrase in held for word in phrase}
        if _ASKING.intersection(said) or self.asking_cues.intersection(said):
            return None
        if self._a_clause_asks(message):
            return None
        found = set(self._kinds_at_ends(words))
        return next((kind for kind in self.order if kind in found), None)

    def ends_in_distress(self, message: str) -> bool:
        """Whether ``message`` asks nothing and closes on distress ("I've had joint pain for 15
        years and honestly I'm so tired of it. Nothing works."): a story told, then how it feels."""
        if "?" in message or len(message) > MAX_WITHIN_CHARS * 2:
            return False
        if not self._distress_closers.intersection(_words(message[-60:])[-4:]):
            return False
        words = self._spelled(message)
        if self._asks(message, words):
            return False
        end = len(words)
        while end and words[end - 1] in self.filler:
            end -= 1
        return any(
            (match := self._longest_phrase(words, start)) is not None
            and match[0] == "distress"
            and start + match[1] in (end, len(words))  # ("… about my health lately")
            for start in range(end)
        )

    def greets_and_tells(self, message: str) -> bool:
        """Whether ``message`` opens with a greeting and then only tells ("hi! I have celiac
        disease and my joints ache a lot lately"): no question mark, no clause that opens asking,
        no word that asks without one (``asking_cues``: "wondering", "advice")."""
        message, limit = _as_told(message)
        if "?" in message or len(message) > limit or not self._short_or_asks_nothing(message):
            return False
        first = _words(message[:20])[:1]
        if not first or first[0] not in self._greeting_openers:
            return False
        words = self._spelled(message)
        opening = self._longest_phrase(words, 0) if words else None
        if opening is None or opening[0] != "greeting" or opening[1] == len(words):
            return False
        return self._tells_only(message, words, after_greeting=True)

    def only_tells(self, message: str) -> bool:
        """Whether ``message`` only tells of the one writing or someone close ("my knees are
        killing me today lol", "My son was just diagnosed with psoriatic arthritis."): no
        question mark, nothing that asks, no request ("give me the steps")."""
        message, limit = _as_told(message)
        if "?" in message or len(message) > limit or not self._short_or_asks_nothing(message):
            return False
        words = self._spelled(message)
        if not words or words[0] in _REQUESTS or _REQUESTS_TOO.intersection(words):
            return False
        introduces = (
            _AGE_TOLD_RE.search(message) is not None or _DIAGNOSIS_TOLD_RE.match(message) is not None
        )
        if not _TELLS_OF.intersection(words) and not introduces:
            return False  # "write me a poem" tells nothing of the one who asks
        if set(self._kinds_at_ends(words)) - {"ack"}:
            return False  # "ok thanks, i feel a bit calmer": the small talk answers it
        if self.tells.intersection(words) and not (
            introduces
            or _held(words, self._remark_cues_by_first, first_only=True)
            or any(cue in message for cue in self.remark_emoji)
        ):
            return False  # "my joints hurt": a complaint that stands for its question
        return self._tells_only(message, words)

    def _short_or_asks_nothing(self, message: str) -> bool:
        """Whether ``message`` is short enough to be read as small talk is, or asks nothing
        anywhere in it."""
        return len(message) <= MAX_WITHIN_CHARS or self.asks_nothing(message)

    def _tells_only(self, message: str, words: list[str], *, after_greeting: bool = False) -> bool:
        if self.asking_cues.intersection(words) or _ASKS_INSIDE_RE.search(" ".join(words)):
            return False
        if _ASKS_INDIRECTLY_RE.search(" ".join(words)):
            return False  # "hello there, I wanted to ask if probiotics are useful for …"
        # ... asked without a question mark, anywhere in it ("if i fix my gut will my joints
        # hurt less", "wat foods shud i avoid"): chat spellings read as the words they stand for.
        spelled = " ".join(_WORD_RE.findall(self.spelled_out(message).casefold()))
        if _ASKS_ANYWHERE_RE.search(spelled):
            return False
        if (
            not _TELLING.intersection(words)
            and not _AGE_TOLD_RE.search(message)
            and not _DIAGNOSIS_TOLD_RE.match(message)
        ):
            return False  # "hi, leaky gut and joint pain" names what it asks about
        # An asking word opens a clause that asks ("hi, what is leaky gut"); inside one it
        # relates ("my father who is 78").
        return not self._a_clause_asks(message, after_greeting=after_greeting)

    def _asks(self, message: str, words: list[str]) -> bool:
        """Whether ``message`` (read as ``words``) asks without a question mark: an asking word, a
        word that asks ("wondering"), or a clause that opens asking ("shoud i see a docter")."""
        if _ASKING.intersection(words) or self.asking_cues.intersection(words):
            return True
        return self._a_clause_asks(message)

    def _spelled(self, text: str) -> list[str]:
        """``text``'s words as small talk reads them, chat spellings as the words they stand for."""
        return [spelled for word in _words(text) for spelled in self.spelling.get(word, (word,))]

    def _a_clause_asks(self, message: str, *, after_greeting: bool = False) -> bool:
        """Whether a clause of ``message`` opens with a word that asks ("is", "can", "shoud",
        "what" …), question mark or not; ``after_greeting``: the word after a greeting that
        opens the clause counts as its opening ("hi what is leaky gut"); otherwise the word
        after any small talk that opens it does ("ok got it and is joint pain from the gut the
        same as arthritis")."""
        for clause in _CLAUSE_SPLIT_RE.split(message):
            said = self._spelled(clause)
            skip = 0
            if said:
                opening = self._longest_phrase(said, 0)
                if opening and (opening[0] == "greeting" or not after_greeting):
                    skip = opening[1]
            # ... after words that only lead in ("hey so like is gut related joint pain a thing")
            while skip < len(said) - 1 and said[skip] in _LEADING:
                skip += 1
            if said[skip : skip + 1] and said[skip] in _OPENS_ASKING | _ASKING:
                return True
        return False

    def _kinds_at_ends(self, words: list[str]) -> list[str]:
        """The kinds of the phrases that open or close ``words`` (filler aside): small talk
        stands there ("haha ok my tofu habit lives on", "… bye now"), where "i see" inside
        "shoud i see a docter" is no acknowledgement."""
        kinds = []
        position = 0
        while position < len(words):
            match = self._longest_phrase(words, position)
            if match:
                kinds.append(match[0])
                position += match[1]
            elif words[position] in self.filler:
                position += 1
            else:
                break
        end = len(words)
        while end > position and words[end - 1] in self.filler:
            end -= 1
        for start in range(max(position, 0), end):
            match = self._longest_phrase(words, start)
            if match and start + match[1] == end:
                if start and words[start - 1] in _TIME_WORDS:
                    break  # "… his legs hurt at night" ends on a time, not a goodbye
                kinds.append(match[0])
                break
        return kinds

    def _loose_kinds(
        self, message: str, says_something: Callable[[str], bool], words: list[str]
    ) -> set[str]:
        """The kinds of small talk in a short ``message`` (its ``words``, as ``_words`` reads
        them) whose other words ask nothing and speak of nothing the articles or the subjects
        do."""
        text = unicodedata.normalize("NFKC", message.translate(_QUOTES)).casefold()
        written = re.findall(r"[\w']+", text)
        if not words or len(words) > LOOSE_WORDS or len(written) != len(words):
            return set()
        found: set[str] = set()
        rest: list[str] = []
        position = 0
        while position < len(words):
            match = self._longest_phrase(words, position)
            if match:
                found.add(match[0])
                position += match[1]
                continue
            if words[position] not in self.filler:
                rest.append(written[position])
            position += 1
        # ... beside thanks, a greeting or a goodbye: "ok, dying" is not acknowledged "Okay".
        if (
            not found & LOOSE_KINDS
            or _ASKS_TOO.intersection(rest)
            or (rest and says_something(" ".join(rest)))
        ):
            return set()
        # ... and only words of praise or parting: "thanks, feeling hopeless" and "thanks,
        # nauseous and dizzy" tell something else.
        if any(word not in self.loose_words for word in rest):
            return set()
        return found

    def language(self, message: str) -> str | None:
        """The language of the small talk ``message`` is when its phrases are of one other than
        English ("muchas gracias": "es"); English when all are of the English lists, which hold
        the thanks of languages quotebot has no texts for ("Salamat po!" is no Polish); else
        None (the message's own language decides)."""
        phrases: list[tuple[str, ...]] = []
        self._kinds(message, phrases)
        spoken = {self.languages[p] for p in phrases if p in self.languages}
        if not spoken and phrases:
            return ENGLISH
        return spoken.pop() if len(spoken) == 1 else None

    def _kinds(
        self, message: str, phrases: list[tuple[str, ...]], said: list[str] | None = None
    ) -> set[str]:
        """The kinds of small talk in ``message`` (none when it says or asks something more);
        the phrases found are added to ``phrases``. ``said``: the message's ``_words``, if
        already read."""
        found: set[str] = set()
        rest = message
        for emoji, kind in self.emoji.items():
            if emoji in rest:
                found.add(kind)
                rest = rest.replace(emoji, " ")
        written = said if said is not None and rest is message else _words(rest)
        words = [spelled for word in written for spelled in self.spelling.get(word, (word,))]
        position = 0
        while position < len(words):
            match = self._longest_phrase(words, position)
            if match:
                kind, length = match
                found.add(kind)
                phrases.append(tuple(words[position : position + length]))
                position += length
            elif words[position] in self.filler:
                position += 1
            elif found and "?" not in message and self._states(words, position):
                break
            else:
                return set()
        return found

    def _states(self, words: list[str], position: int) -> bool:
        """Whether the words from ``position`` say what the person will do, asking nothing."""
        return not _ASKING.intersection(words[position:]) and any(
            tuple(words[position : position + len(opener)]) == opener for opener in self.statements
        )

    def _longest_phrase(self, words: list[str], position: int) -> tuple[str, int] | None:
        left = len(words) - position
        for length in self._lengths.get(words[position], ()):
            if length > left:
                continue
            kind = self._kind_of.get(tuple(words[position : position + length]))
            if kind is not None:
                return kind, length
        return None


def _by_first(phrases) -> dict[str, tuple[tuple[str, ...], ...]]:
    """``phrases`` (tuples of words) grouped by their first word."""
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        if phrase:
            grouped.setdefault(phrase[0], []).append(tuple(phrase))
    return {word: tuple(group) for word, group in grouped.items()}


def _held(
    words: list[str], by_first: dict[str, tuple[tuple[str, ...], ...]], first_only: bool = False
) -> list[tuple[str, ...]]:
    """The phrases of ``by_first`` (:func:`_by_first`) that stand in ``words``, word for word;
    with ``first_only``, the first one found (enough to say whether any does)."""
    held = []
    for position, word in enumerate(words):
        for phrase in by_first.get(word, ()):
            if tuple(words[position : position + len(phrase)]) == phrase:
                held.append(phrase)
                if first_only:
                    return held
    return held


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text.translate(_QUOTES)).casefold()
    # Letters said twice or more count once, in messages and phrases alike ("thaaanks", "okk").
    return _WORD_RE.findall(_REPEATED_RE.sub(r"\1", text))


def _with_tails(phrases: list[str], tails: list[str]) -> list[str]:
    """A kind's phrases, each also followed by each of its ``tails`` ("i can't cope" and "i can't
    cope with this pain")."""
    return [*phrases, *(f"{phrase} {tail}" for phrase in phrases for tail in tails)]


def load_small_talk(path: Path | None = None) -> SmallTalk:
    """Read the small-talk file; a malformed one is a one-line ConfigError naming the entry."""
    path = path or DEFAULT_SMALL_TALK_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"SMALL_TALK_FILE: cannot read {path} ({exc}).") from exc
    kinds = data.get("kind") or {}
    order = tuple(data.get("order") or kinds)
    if set(order) != set(kinds):
        raise ConfigError(
            f"SMALL_TALK_FILE: `order` in {path} must name each [kind.*] once: {sorted(kinds)}."
        )
    try:
        return SmallTalk(
            order=order,
            phrases={
                kind: tuple(
                    tuple(_words(phrase))
                    for phrase in (
                        *_with_tails(entry.get("phrases", []), entry.get("tails", [])),
                        *(p for ps in (entry.get("languages") or {}).values() for p in ps),
                    )
                    if _words(phrase)
                )
                for kind, entry in kinds.items()
            },
            languages={
                tuple(_words(phrase)): str(code)
                for entry in kinds.values()
                for code, phrases in (entry.get("languages") or {}).items()
                for phrase in phrases
                if _words(phrase)
            },
            emoji={
                emoji: kind for kind, entry in kinds.items() for emoji in entry.get("emoji", [])
            },
            filler=frozenset(word for item in data.get("filler", []) for word in _words(item)),
            spelling={
                _words(key)[0]: tuple(_words(str(value)))
                for key, value in (data.get("spelling") or {}).items()
                if len(_words(key)) == 1
            },
            # As written (no letters run together): words of questions are looked up as they are.
            question_spelling={
                str(key).casefold(): " ".join(str(value).split())
                for table in ("spelling", "question_spelling")
                for key, value in (data.get(table) or {}).items()
            },
            question_phrases={
                " ".join(str(key).casefold().split()): " ".join(str(value).split())
                for key, value in (data.get("question_phrases") or {}).items()
            },
            question_alone={
                tuple(_words(key)): " ".join(str(value).split())
                for key, value in (data.get("question_alone") or {}).items()
                if _words(key) and not isinstance(value, dict)
            },
            question_alone_after_help={
                tuple(_words(key)): " ".join(str(value).split())
                for key, value in (
                    (data.get("question_alone") or {}).get("after_help") or {}
                ).items()
                if _words(key)
            },
            question_alone_filler=frozenset(
                word for item in data.get("question_alone_filler", []) for word in _words(item)
            ),
            asking=frozenset(tuple(_words(p)) for p in data.get("asking", []) if _words(p)),
            # As written (the words beside the phrases are compared unshortened).
            loose_words=frozenset(
                word
                for item in data.get("loose_words", [])
                for word in re.findall(r"[\w']+", str(item).casefold())
            ),
            statements=tuple(
                tuple(_words(opener)) for opener in data.get("statements", []) if _words(opener)
            ),
            tells=frozenset(word for item in data.get("tells", []) for word in _words(item)),
            asking_cues=frozenset(
                word for item in data.get("asking_cues", []) for word in _words(item)
            ),
            understood=tuple(
                tuple(_words(phrase)) for phrase in data.get("understood", []) if _words(phrase)
            ),
            remark_cues=tuple(
                tuple(_words(cue)) for cue in data.get("remark_cues", []) if _words(cue)
            ),
            remark_emoji=tuple(cue for cue in data.get("remark_cues", []) if not _words(cue)),
            vocatives=frozenset(word for item in data.get("vocatives", []) for word in _words(item)),
            given_names=frozenset(str(name).casefold() for name in data.get("given_names", [])),
            to_others=tuple(
                tuple(_words(phrase)) for phrase in data.get("to_others", []) if _words(phrase)
            ),
            plans=tuple(tuple(_words(phrase)) for phrase in data.get("plans", []) if _words(phrase)),
        )
    except (AttributeError, TypeError) as exc:  # a number where words belong, a list for a table
        raise ConfigError(
            f"SMALL_TALK_FILE: {path} holds something other than words where words belong ({exc})."
        ) from exc
