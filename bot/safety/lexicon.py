"""The red-flag lexicon of one language: patterns for emergencies, and the guards that set a match
aside when the message does not describe something present ("no blood", "years ago", "how many
tablets can I take?").

A message is read sentence by sentence: each pattern is searched in every sentence, and a flag whose
signs must come together (a swollen joint *and* a fever) may find them in one sentence or in two
neighbouring ones. Guards look at the clause a match is in, so "no fever, but my knee is swollen and
hot" keeps its swollen hot knee and loses only the fever.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ConfigError
from bot.ingest.folding import strip_accents
from bot.safety.screen import Screen

# Most pressing first: this is the order urgent texts are shown in.
KIND_ORDER = ("crisis", "poisoning", "emergency", "see_doctor")
# What a doctor should see soon, though it is no emergency ("blood on the paper for a week"): not
# where the message tells an emergency or a poisoning too (their advice covers it), and in the
# chat's next messages only under one that asks about it ("is that serious?").
SOON = "see_doctor"
# The kinds whose advice leads every message of the chat's next few minutes.
LASTING_KINDS = ("crisis", "poisoning", "emergency")
# How many words before a match a negation may stand and still negate it ("no sign of any blood").
NEGATION_REACH = 3
# ... and how many when the words between hold a list joined by "or".
LIST_NEGATION_REACH = 7

# Straight quotes; Turkish's dotless ı as i and Polish ł as l (people type either, and accent
# folding keeps them apart).
_QUOTES = str.maketrans(
    {"’": "'", "‘": "'", "´": "'", "`": "'", "“": '"', "”": '"', "ı": "i", "ł": "l", "Ł": "l"}
)
_SENTENCE_END = re.compile(r"\s[.!?…؟。]+(?:\s[.!?…؟。]+)*\s")
_ORIGINAL_SENTENCE_END = re.compile(r"(?<=[.!?…؟。])\s+|\n+")
_WORDS = re.compile(r"[\w'-]+|[^\w\s'-]")
_REPEATED = re.compile(r"(\w)\1{2,}")  # a letter three times or more
_I_AM = re.compile(r"\bi am\b")


@dataclass(frozen=True)
class RedFlag:
    """One kind of urgent situation and how to recognise it."""

    id: str
    kind: str
    any: tuple[re.Pattern, ...]
    all: tuple[tuple[re.Pattern, ...], ...]
    examples: tuple[str, ...]
    # Patterns match from the start of a word (a third faster: the engine skips the middle of
    # words); languages that glue words on in front (German compounds, Arabic "wa-", "al-") say no.
    word_start: bool = True
    # Over the whole message, what makes its matches another thing ("fingers deformed by
    # rheumatoid arthritis over the years" is no injury); each pattern says itself what keeps
    # the flag standing ("… I fell today").
    unless: tuple[re.Pattern, ...] = ()
    # Flags whose reading by the semantic layer alone this flag, raised by a pattern, sets aside:
    # blood on the paper that the lexicon reads as a doctor's matter is not made an emergency by
    # its nearness to an example of heavy bleeding (the lexicon has the emergency's own signs).
    settles: tuple[str, ...] = ()

    @functools.cached_property
    def compiled(self) -> tuple[re.Pattern | None, tuple[re.Pattern, ...]]:
        """Each list of alternatives as one pattern: one search per list, not one per pattern."""
        return _alternation(self.any, self.word_start), tuple(
            p for p in (_alternation(group, self.word_start) for group in self.all) if p is not None
        )


@dataclass(frozen=True)
class Guards:
    """What sets a match aside; each is a pattern over normalised text (None: no such guard)."""

    negation: re.Pattern | None = None  # in the few words before the match
    # Words that join a list a negation carries over ("no fever, chills or rash"): "or", "nor".
    list_joiner: re.Pattern | None = None
    # A negation that is itself the sign ("spots that don't fade", "the inhaler isn't helping"):
    # it does not set aside the sentence the semantic layer found near an urgent example.
    negated_sign: re.Pattern | None = None
    clause_splitter: re.Pattern | None = None  # where one clause ends and the next begins
    past: re.Pattern | None = None  # the clause tells of an episode that is over
    present: re.Pattern | None = None  # ... unless it also says it is back or still going on
    # The sentence says the person has recovered ("totally well since"): with a past episode in
    # it, every clause of the sentence is over.
    recovered: re.Pattern | None = None
    # A clause that goes on with the sentence's subject in the past tense ("... went through a
    # dark time and attempted suicide"): the episode is over when the sentence before it says so.
    continues: re.Pattern | None = None
    general_question: re.Pattern | None = None  # a question about a sign, not a report of one
    personal: re.Pattern | None = None  # words that make a question a report ("my", "he")
    medicine_question: re.Pattern | None = None  # a dose, interaction or missed-dose question
    about: re.Pattern | None = None  # the clause asks how to avoid or spot a sign, whoever asks
    figurative: re.Pattern | None = None  # "you're giving me a heart attack", "killing me"
    # A harmless cause is named: iron tablets, piles, "my GP said".
    explained: re.Pattern | None = None
    # An episode of the last few weeks ("last week"): over for every kind but crisis, where what
    # someone said last week is still a reason to reach out.
    recent_past: re.Pattern | None = None
    # A message that stands an earlier emergency down ("I went to A&E, they said it's fine",
    # "I'm not suicidal, it's just an expression"): the chat's urgent advice is not repeated.
    stood_down: re.Pattern | None = None
    # A sentence that only says all is well ("otherwise all good"): the semantic layer's reading
    # of it as anything urgent is set aside (the lexicon still reads the sentences beside it).
    all_well: re.Pattern | None = None


@dataclass
class Lexicon:
    """A language's red flags, guards and spelling fixes."""

    language: str
    flags: tuple[RedFlag, ...]
    guards: Guards = field(default_factory=Guards)
    misspellings: dict[str, str] = field(default_factory=dict)
    fuzzy_words: tuple[str, ...] = ()
    calm_examples: tuple[str, ...] = ()
    # What a passage says when it advises seeing a professional ([care]).
    care: tuple[re.Pattern, ...] = ()

    def __post_init__(self) -> None:
        # The same words come back message after message; the fuzzy search is worth remembering.
        self._correct = functools.lru_cache(maxsize=8192)(self._correct_word)
        # Only passages are asked whether they advise care, and the same ones come back question
        # after question: each is normalised and searched once.
        self._advises_care = functools.lru_cache(maxsize=8192)(self._advises_care_uncached)
        # An episode that is over, recent ones included (what every kind but crisis reads).
        parts = [g.pattern for g in (self.guards.past, self.guards.recent_past) if g is not None]
        self._any_past = re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None

    def normalise(self, text: str) -> str:
        """Lower case, no accents, straight quotes, words and marks spaced, misspellings corrected."""
        text = strip_accents(text.translate(_QUOTES)).casefold()
        text = _REPEATED.sub(r"\1\1", text)  # "feeeever" -> "feever"
        # "i am" as "i'm": the patterns say "i'?m", and a chat spelling "im" reaches them spelled
        # out ("ive worked out how im going to do it" is read "how i am going to do it").
        return _I_AM.sub("i'm", " ".join(map(self._correct, _WORDS.findall(text))))

    def sentences(self, text: str) -> list[str]:
        """The message's sentences, normalised."""
        normalised = self.normalise(text)
        return [s.strip() for s in _SENTENCE_END.split(f" {normalised} ") if s.strip(" .!?…؟。")]

    @staticmethod
    def split_original(text: str) -> list[str]:
        """The message's sentences as written (what the semantic layer's model reads)."""
        return [s.strip() for s in _ORIGINAL_SENTENCE_END.split(text) if s.strip(" .!?…؟。")]

    def stands_down(self, text: str) -> bool:
        """Whether ``text`` says an earlier emergency was seen to or was not meant."""
        return bool(self.guards.stood_down and self.guards.stood_down.search(self.normalise(text)))

    def advises_care(self, text: str) -> bool:
        """Whether ``text`` (a passage) advises seeing a professional."""
        return self._advises_care(text)

    def _advises_care_uncached(self, text: str) -> bool:
        normalised = self.normalise(text)
        return any(pattern.search(normalised) for pattern in self.care)

    def find(self, text: str) -> list[RedFlag]:
        """The flags a message raises, in the order of the file."""
        sentences = self.sentences(text)
        # Signs that need each other ("all" groups) may sit up to three sentences apart: the
        # boiler in one sentence, the whole family's headaches in the next but one.
        windows = (
            sentences
            + [f"{a} . {b}" for a, b in zip(sentences, sentences[1:])]
            + [f"{a} . {b} . {c}" for a, b, c in zip(sentences, sentences[1:], sentences[2:])]
        )
        # Which patterns could match each window, all patterns in one pass (bot.safety.screen):
        # the others need no search.
        screen, entries = self._screen
        may = [screen.candidates(window) for window in windows]
        anywhere = set().union(*may)
        if not anywhere:
            return []  # most messages: none of the patterns anywhere, so no flag to look at
        whole = " . ".join(sentences)  # what a flag's ``unless`` reads
        found = []
        for flag, (any_entry, group_entries) in zip(self.flags, entries):
            any_of, all_of = flag.compiled
            if (any_of is None or any_entry not in anywhere) and (
                not all_of or (group_entries and not anywhere.issuperset(group_entries))
            ):
                continue  # the screen found none of its patterns anywhere in the message
            if (
                any_of is not None
                and any(
                    any_entry in may[i] and self._stands(any_of, s, flag.kind)
                    for i, s in enumerate(sentences)
                )
                or all_of
                and any(
                    # Plain searches first: the guards only run where every sign is there.
                    all(entry in may[i] for entry in group_entries)
                    and all(group.search(window) for group in all_of)
                    and all(self._stands(group, window, flag.kind) for group in all_of)
                    for i, window in enumerate(windows)
                )
            ):
                if flag.unless and any(p.search(whole) for p in flag.unless):
                    continue
                found.append(flag)
        return found

    def prepare(self) -> None:
        """Build what the first message would otherwise wait for (the RE2 screen)."""
        self._screen[0].prepare(ascii_text=self.language == "en")

    @functools.cached_property
    def _screen(self) -> tuple[Screen, list[tuple[int, tuple[int, ...]]]]:
        """The screen over every flag's patterns, and each flag's entries in it: its ``any``
        alternation's and each ``all`` group's."""
        patterns: list[str] = []
        entries = []
        for flag in self.flags:
            any_of, all_of = flag.compiled
            any_entry = -1
            if any_of is not None:
                any_entry = len(patterns)
                patterns.append(any_of.pattern)
            group_entries = []
            for group in all_of:
                group_entries.append(len(patterns))
                patterns.append(group.pattern)
            entries.append((any_entry, tuple(group_entries)))
        return Screen(patterns), entries

    def vetoes(self, text: str, kind: str) -> bool:
        """Whether a sentence the semantic layer found near an urgent example says something the
        guards set aside anywhere in it: a negation (not for crisis messages, where "no point"
        and "without me" are the message), an episode that is over, a general question, a
        question about avoiding or spotting a sign, figurative language, a harmless cause, a
        medicine question, a professional's word that it is seen to ("I went to the ER and they
        said it was a small tear"). The model cannot tell "no blood" from "blood"."""
        g = self.guards
        sentence = self.normalise(text)
        if g.all_well is not None and g.all_well.fullmatch(sentence.strip(" .!,;:")):
            return True
        unsigned = g.negated_sign.sub(" ", sentence) if g.negated_sign else sentence
        if kind != "crisis" and g.negation and g.negation.search(unsigned):
            return True
        if (
            self._sets_aside(sentence, kind)
            or (g.stood_down is not None and g.stood_down.search(sentence))
            or self._general_question(sentence)
            or self._recovered(sentence, sentence, past_needed=False)
        ):
            return True
        if kind == "crisis" and self._crisis_set_aside(sentence):
            return True
        # A crisis is seldom asked about: "wouldn't mind if I didn't wake up" is not a medicine
        # question, "is there any point taking glucosamine?" is not a crisis.
        medicine = g.medicine_question and g.medicine_question.search(sentence)
        return bool(medicine and (kind != "crisis" or "?" in sentence))

    def _crisis_set_aside(self, sentence: str) -> bool:
        """Whether the sentence says a crisis in the lexicon's words and every such match is set
        aside ("I'm not suicidal or anything", "years ago I had thoughts of ending my life"): the
        guards have read what the model only sees as near."""
        said = False
        for flag in self.flags:
            any_of = flag.compiled[0] if flag.kind == "crisis" else None
            if any_of is None or not any_of.search(sentence):
                continue
            if self._stands(any_of, sentence, flag.kind):
                return False
            said = True
        return said

    def _stands(self, pattern: re.Pattern, sentence: str, kind: str) -> bool:
        """Whether some match of ``pattern`` in ``sentence`` survives every guard."""
        general = None
        for match in pattern.finditer(sentence):
            if general is None:
                general = self._general_question(sentence)
            if not self._guarded(sentence, match.start(), match.end(), kind, general):
                return True
        return False

    def _guarded(self, sentence: str, start: int, end: int, kind: str, general: bool) -> bool:
        """Whether the match ``[start, end)`` is set aside: by what its clause says (a negation
        just before it, an episode that is over, a question about avoiding or spotting a sign,
        figurative language, a harmless cause, a medicine question for poisonings), or because
        its sentence is a general question (``general``, worked out once per sentence)."""
        g = self.guards
        clause_start, clause_end = _clause_bounds(sentence, start, end, g.clause_splitter)
        clause = sentence[clause_start:clause_end]
        if g.negation and _negated(g.negation, sentence[clause_start:start].split(), g.list_joiner):
            return True
        if (
            self._sets_aside(clause, kind)
            or general
            or self._continues_past(sentence, clause_start, clause)
            or self._recovered(sentence, clause)
        ):
            return True
        return bool(
            kind == "poisoning" and g.medicine_question and g.medicine_question.search(clause)
        )

    def _sets_aside(self, text: str, kind: str = "") -> bool:
        """What sets aside whatever it is said with (a clause for a pattern, a sentence for the
        semantic layer): a question about avoiding or spotting a sign, figurative language, a
        harmless cause, or an episode that is over and not said to be back (for a crisis, one
        of the last few weeks is not over: "she said she wanted to kill herself last week")."""
        g = self.guards
        if any(
            guard is not None and guard.search(text)
            for guard in (g.about, g.figurative, g.explained)
        ):
            return True
        past = g.past if kind == "crisis" else self._any_past
        return bool(past and past.search(text) and not (g.present and g.present.search(text)))

    def _continues_past(self, sentence: str, clause_start: int, clause: str) -> bool:
        """Whether ``clause`` carries on an episode the sentence before it places in the past
        ("back in my twenties I went through a dark time and attempted suicide"), and does not
        say it is back."""
        g = self.guards
        return bool(
            clause_start
            and g.continues
            and self._any_past
            and g.continues.match(clause)
            and self._any_past.search(sentence, 0, clause_start)
            and not (g.present and g.present.search(clause))
        )

    def _recovered(self, sentence: str, clause: str, *, past_needed: bool = True) -> bool:
        """Whether the sentence tells of an episode that is over and says the person recovered
        ("my dad had a mini stroke in 2022, his face drooped for an hour, but he's been well since"),
        and ``clause`` does not say it is back. For the semantic layer's sentence a recovery alone
        is enough (``past_needed`` False): "she's recovered and home now, just weak"."""
        g = self.guards
        return bool(
            g.recovered
            and self._any_past
            and g.recovered.search(sentence)
            and (not past_needed or self._any_past.search(sentence))
            and not (g.present and g.present.search(clause))
        )

    def _general_question(self, sentence: str) -> bool:
        g = self.guards
        return bool(
            g.general_question
            and g.general_question.search(sentence)
            and not (g.personal and g.personal.search(sentence))
        )

    def _correct_word(self, word: str) -> str:
        if word in self.misspellings:
            return self.misspellings[word]
        if len(word) >= 6 and word.isalpha():
            for known in self.fuzzy_words:
                if known[0] == word[0] and within_one_edit(word, known):
                    return known
        return word


def _negated(
    negation: re.Pattern, before: list[str], list_joiner: re.Pattern | None = None
) -> bool:
    """A negation among the last NEGATION_REACH words before a match; one more word is read for
    context only ("oh no my son took ..." is no denial)."""
    if not before:
        return False
    context = (
        before[-(NEGATION_REACH + 1) : -NEGATION_REACH] if len(before) > NEGATION_REACH else []
    )
    window = " ".join(context + before[-NEGATION_REACH:])
    reach_from = len(" ".join(context)) + 1 if context else 0
    if any(match.start() >= reach_from for match in negation.finditer(window)):
        return True
    # A negation carries over a list joined by "or" ("I wasn't short of breath or sweaty", "no
    # fever, chills or rash"), a few more words back.
    listed = before[-LIST_NEGATION_REACH:]
    joins = [i for i, word in enumerate(listed) if list_joiner and list_joiner.fullmatch(word)]
    return bool(joins) and bool(negation.search(" ".join(listed[: joins[-1]])))


def _clause_bounds(
    sentence: str, start: int, end: int, splitter: re.Pattern | None
) -> tuple[int, int]:
    """The span of the clause around ``[start, end)``: between the splitters on either side."""
    if splitter is None:
        return 0, len(sentence)
    clause_start, clause_end = 0, len(sentence)
    for cut in splitter.finditer(sentence):
        if cut.end() <= start:
            clause_start = cut.end()
        elif cut.start() >= end:
            clause_end = cut.start()
            break
    return clause_start, clause_end


def _alternation(patterns: Sequence[re.Pattern], word_start: bool = False) -> re.Pattern | None:
    if not patterns:
        return None
    joined = "|".join(f"(?:{pattern.pattern})" for pattern in patterns)
    return re.compile(rf"\b(?:{joined})" if word_start else joined)


def within_one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def _fold(pattern: str) -> str:
    """A pattern as the text it is matched against: no accents, case folded, straight quotes."""
    return strip_accents(pattern.translate(_QUOTES)).casefold()


def _compile(pattern: str, where: str) -> re.Pattern:
    try:
        return re.compile(_fold(pattern))
    except re.error as exc:
        raise ConfigError(f"RED_FLAGS_FILE: {where} has a bad pattern ({exc}).") from exc


def _guard(data: dict, name: str, path: Path) -> re.Pattern | None:
    patterns = data.get(name)
    if not patterns:
        return None
    joined = "|".join(f"(?:{_fold(p)})" for p in patterns)
    if name in ("negation", "personal", "clause_splitter", "list_joiner"):
        joined = rf"\b(?:{joined})\b" if name != "clause_splitter" else joined
    return _compile(joined, f"guard {name!r} in {path.name}")


def load_lexicon(path: Path, language: str = "en", kinds: dict[str, str] | None = None) -> Lexicon:
    """Read one language's red-flag file; a malformed one is a one-line ConfigError naming the entry.

    ``kinds`` (flag id to kind, from the English file) lets a translation leave ``kind`` out.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"RED_FLAGS_FILE: cannot read {path} ({exc}).") from exc
    flags = []
    for entry in data.get("flag", []):
        name = entry.get("id", "?")
        kind = entry.get("kind") or (kinds or {}).get(name)
        if kind not in KIND_ORDER:
            raise ConfigError(
                f"RED_FLAGS_FILE: flag {name!r} in {path.name} has kind {kind!r}, expected one of {KIND_ORDER}."
            )
        where = f"flag {name!r}"
        flags.append(
            RedFlag(
                id=name,
                kind=kind,
                any=tuple(_compile(p, where) for p in entry.get("any", [])),
                all=tuple(
                    tuple(_compile(p, where) for p in group) for group in entry.get("all", [])
                ),
                examples=tuple(entry.get("examples", [])),
                word_start=bool(data.get("word_start", True)),
                unless=tuple(_compile(p, where) for p in entry.get("unless", [])),
                settles=tuple(str(name) for name in entry.get("settles", [])),
            )
        )
    if not flags:
        raise ConfigError(f"RED_FLAGS_FILE: {path} defines no [[flag]] entries.")
    names = {flag.id for flag in flags}
    for flag in flags:
        unknown = [name for name in flag.settles if name not in names]
        if unknown:
            raise ConfigError(
                f"RED_FLAGS_FILE: flag {flag.id!r} in {path.name} settles {unknown[0]!r}, which no "
                "[[flag]] of the file is."
            )
    guards = data.get("guards", {})
    return Lexicon(
        language=language,
        flags=tuple(flags),
        guards=Guards(**{name: _guard(guards, name, path) for name in Guards.__dataclass_fields__}),
        misspellings={_fold(k): _fold(v) for k, v in data.get("misspellings", {}).items()},
        fuzzy_words=tuple(_fold(w) for w in data.get("fuzzy", {}).get("words", [])),
        calm_examples=tuple(data.get("calm", {}).get("examples", [])),
        care=tuple(_compile(p, "[care]") for p in data.get("care", {}).get("any", [])),
    )
