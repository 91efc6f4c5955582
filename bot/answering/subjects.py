"""The subjects a question names (a medicine, a supplement, a condition, a vaccine, …) checked
against what the corpus mentions. The names live in ``data/subjects.toml``.

A subject the articles never mention is said so plainly, naming it; a subject they do mention has
to be in every quote given for the question (a quote about leaky gut is no answer to a question
about gluten).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ConfigError
from bot.ingest.folding import strip_accents
from bot.safety.screen import Screen

DEFAULT_SUBJECTS_FILE = Path(__file__).resolve().parent.parent / "data" / "subjects.toml"
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Someone told by their age, over normalised text ("my 7 year old", "our 18 month old").
_AGED_RE = re.compile(
    r"\b((?:my|our|his|her|their|a|an) (\d{1,2}) ?(year|yr|month|week)s? ?old)\b(?! (?:man|woman|men|"
    r"women|husband|wife|partner|mum|mom|dad|father|mother|self|me)\b)"
)
# A name followed by one of these is someone's trade or pastime ("yoga teacher here", "as a
# running coach"), not a thing asked about.
_ROLE_AFTER_RE = re.compile(
    r"\s*(?:teacher|teachers|instructor|instructors|coach|coaches|trainer|trainers|student|"
    r"students|enthusiast|enthusiasts)\b"
)
# Words that speak of a person again ("my son says his tummy hurts").
_THIRD_PERSON_RE = re.compile(r"\b(?:he|she|him|her|his|hers|himself|herself)\b")


@functools.lru_cache(maxsize=65_536)  # passages come back question after question
def normalise(text: str) -> str:
    """Lower case, no accents, words separated by single spaces ("L-glutamine" -> "l glutamine")."""
    text = strip_accents(text.translate(_QUOTES))
    return " ".join(_WORD_RE.findall(text.casefold()))


def without_names(text: str, names: Iterable[str], after: str = "") -> str:
    """``text`` without ``names`` (whole words, any case), each with what ``after`` matches
    right after it."""
    for name in names:
        text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-]){after}", " ", text, flags=re.I)
    return " ".join(text.split())


# What follows a person named in a question: an age ("my son is 9 and", "my mum, 78,").
_AGE_AFTER = (
    r"(?:\s*,?\s*(?:is|who is|aged|age)?\s*\d{1,3}\s*(?:years? old|yrs? old|yo|y/o)?\s*,?)?"
    r"(?:\s*and\b)?"
)


@dataclass(frozen=True)
class Mention:
    """A subject as the question names it, whether the corpus mentions it, and whether a quote
    given for the question has to name it too."""

    name: str  # as the person wrote it
    in_corpus: bool
    quotes_must_name: bool = False
    category: str = ""  # the subjects file's section: medicines, supplements, conditions, …
    # Who a question is about rather than what (a child, an older person): a question about it
    # is answered from what the articles say in general, saying so.
    in_general: bool = False
    # Whether general passages may follow the notice that the articles do not mention it (not
    # for a pregnancy: a passage naming zinc would read as zinc being safe then).
    general_quotes: bool = True
    # A subject only when the question asks about it (a part of the body: "does lupus damage
    # the kidneys?"); told in a story, it is none (SubjectCheck.asked_only).
    asked_only: bool = False


@dataclass(frozen=True)
class AspectWords:
    """What may be asked of a subject (subjects.toml, ``[aspects.NAME]``)."""

    said: str  # completes "The articles I quote do not say …"
    names: tuple[str, ...]  # as people ask it
    corpus_words: tuple[str, ...] = ()  # a corpus that uses one speaks of it
    unless: tuple[str, ...] = ()  # in the clause, another question ("once I remove gluten")
    # ... and when given, one of these words must be in the clause ("at the same time as" asks
    # about taking things together only beside "take", "supplements", …)
    only_with: tuple[str, ...] = ()
    # ... and when given, one of these must be in the message, wherever ("My RF test is negative
    # but anti-CCP is positive. Do I have RA?" asks what a result means)
    told_with: tuple[str, ...] = ()


class SubjectCheck:
    """Finds named subjects in questions and knows which of them the corpus mentions."""

    def __init__(
        self,
        names: Iterable[str],
        corpus_texts: Iterable[str],
        *,
        must_name: Iterable[str] = (),
        in_general: Iterable[str] = (),
        categories: dict[str, str] | None = None,
        aliases: Iterable[Iterable[str]] = (),
        medicine_stems: Iterable[str] = (),
        min_letters: int = 8,
        agent_verbs: dict[str, Iterable[str]] | None = None,
        object_verbs: dict[str, Iterable[str]] | None = None,
        no_general_quotes: Iterable[str] = (),
        child_age_below: int | None = None,
        aspects: Mapping[str, AspectWords] | None = None,
        only_when_asked: Iterable[str] = (),
    ) -> None:
        corpus = " " + " ".join(normalise(text) for text in corpus_texts) + " "
        self._corpus_words = frozenset(corpus.split())
        keys = {normalise(name) for name in names} - {""}
        # Each name with the names that mean the same subject (itself included).
        self._same: dict[str, frozenset[str]] = {key: frozenset({key}) for key in keys}
        for group in aliases:
            members = frozenset(normalise(name) for name in group) - {""}
            keys |= members
            for key in members:
                self._same[key] = self._same.get(key, frozenset({key})) | members
        self._must_name = {normalise(name) for name in must_name}
        self._in_general = {normalise(name) for name in in_general}
        self._no_general_quotes = {normalise(name) for name in no_general_quotes}
        self._only_when_asked = {normalise(name) for name in only_when_asked}
        self._category = {
            normalise(name): category for name, category in (categories or {}).items()
        }
        present = {key for key in keys if _occurs(key, corpus)}
        self._in_corpus = {key: bool(self._same[key] & present) for key in keys}
        # Longest names first, so "rheumatoid arthritis" wins over "arthritis": as a trie, each
        # longer name tried before the shorter one it starts with, where a flat alternation of
        # thousands of names is tried name by name at every position.
        alternatives = _trie_alternation(keys)
        self._names = (
            re.compile(rf"(?<![a-z0-9])({alternatives})(?:e?s)?(?![a-z0-9])") if keys else None
        )
        # Most messages name none of the hundreds of names: RE2 says so in one linear pass
        # (bot.safety.screen), where Python's search tries every name at every position.
        self._names_screen = Screen([self._names.pattern]) if self._names else None
        stems = "|".join(re.escape(stem) for stem in medicine_stems)
        self._stem = (
            re.compile(rf"^[a-z]{{{max(1, min_letters - 3)},}}(?:{stems})$") if stems else None
        )
        self.min_letters = min_letters
        self._long_words = re.compile(rf"[a-z]{{{max(1, min_letters)},}}")
        # A child told by their age ("my 7 year old", "our 18 month old"): someone the articles
        # do not single out, as "my daughter" is.
        self._child_age_below = child_age_below
        # Names that, just before one of their verbs, name who did something, not whom the
        # question is about ("my daughter bought me …").
        self._agent_verbs = {
            normalise(name): re.compile(
                " (?:" + "|".join(re.escape(normalise(v)) for v in verbs) + ")(?![a-z0-9])"
            )
            for name, verbs in (agent_verbs or {}).items()
            if verbs
        }
        # Names that, just after one of their verbs, name what the person does, not what the
        # question is about ("i cant even walk the dog anymore").
        self._object_verbs = {
            normalise(name): re.compile(
                "(?:^| )(?:"
                + "|".join(re.escape(normalise(v)) for v in verbs)
                + ")(?: (?:the|my|our|his|her|their|a|an))? $"
            )
            for name, verbs in (object_verbs or {}).items()
            if verbs
        }

        # What may be asked of a subject and the corpus never says (whether it is catching,
        # inherited, …): each of its phrases, to how the reply names it. One the corpus uses a
        # word of is answered as any question.
        unsaid: dict[str, AspectWords] = {}
        for aspect in (aspects or {}).values():
            keys = {normalise(phrase) for phrase in aspect.names} - {""}
            shown = keys | {normalise(word) for word in aspect.corpus_words}
            if not any(_occurs(key, corpus) for key in shown - {""}):
                unsaid |= dict.fromkeys(keys, aspect)
        self._unsaid = unsaid
        self._last: tuple[str, list[Mention]] | None = None
        self._spoken: dict[tuple[str, bool], re.Pattern] = {}  # speaks_of's, by subject
        self._aspects = (
            re.compile(
                r"(?<![a-z0-9])("
                + "|".join(re.escape(k) for k in sorted(unsaid, key=len, reverse=True))
                + r")(?:e?s)?(?![a-z0-9])"
            )
            if unsaid
            else None
        )
        self._aspects_screen = Screen([self._aspects.pattern]) if self._aspects else None

    def unsaid_aspects(self, words: str) -> list[tuple[int, int, AspectWords]]:
        """In ``words`` (normalised), each aspect the corpus never speaks of: where it starts
        and ends, and the aspect (its ``said``: "whether it can be caught or passed on")."""
        if self._aspects is None or not self._aspects_screen.candidates(words):
            return []
        return [(*m.span(), self._unsaid[m.group(1)]) for m in self._aspects.finditer(words)]

    def mentions(self, question: str) -> list[Mention]:
        """The subjects ``question`` names, in the order it names them (those that count only
        when asked about left out: ``asked_only``)."""
        return [m for m in self._found(question) if not m.asked_only]

    def without_people(self, question: str) -> str:
        """``question`` without the people it names and their ages ("my son is 9 and keeps
        getting stomach aches …" -> "keeps getting stomach aches …"): what it asks of them."""
        people = {m.name for m in self.mentions(question) if m.category == "people"}
        return without_names(question, people, _AGE_AFTER) if people else question

    def asked_only(self, question: str) -> list[Mention]:
        """The subjects ``question`` names that count only when it asks about them (a part of
        the body): the caller tells which it asks about (bot.answering.stories.asks_about)."""
        return [m for m in self._found(question) if m.asked_only]

    def _found(self, question: str) -> list[Mention]:
        # mentions() and asked_only() read the same text one after the other: found once.
        last = self._last
        if last is not None and last[0] == question:
            return last[1]
        found = self._find(question)
        self._last = (question, found)
        return found

    def _find(self, question: str) -> list[Mention]:
        text = normalise(question)
        found: list[tuple[int, Mention]] = []
        taken: list[tuple[int, int]] = []
        if self._names is not None and self._names_screen.candidates(text):
            named: set[frozenset] = set()
            for match in self._names.finditer(text):
                key = match.group(1)
                if self._acts_only(key, text, match.end()):
                    continue
                if _ROLE_AFTER_RE.match(text, match.end()):
                    continue  # "yoga teacher here": a trade, not what is asked about
                if self._same[key] in named:
                    continue  # one subject named twice ("flying long haul … on planes")
                after = self._object_verbs.get(key)
                if after is not None and after.search(text, 0, match.start()):
                    continue
                mention = Mention(
                    _as_written(question, match.group(0)),
                    self._in_corpus[key],
                    bool(self._same[key] & self._must_name),
                    self._category.get(key)
                    or next(
                        (self._category[k] for k in self._same[key] if k in self._category), ""
                    ),
                    bool(self._same[key] & self._in_general),
                    not self._same[key] & self._no_general_quotes,
                    bool(self._same[key] & self._only_when_asked),
                )
                found.append((match.start(), mention))
                taken.append(match.span())
                named.add(self._same[key])
        if self._child_age_below is not None:
            for match in _AGED_RE.finditer(text):
                age, unit = int(match.group(2)), match.group(3)
                if unit.startswith(("month", "week")) or age < self._child_age_below:
                    name = _as_written(question, match.group(1))
                    mention = Mention(name, False, category="people", in_general=True)
                    found.append((match.start(), mention))
        if self._stem is not None:
            for match in self._long_words.finditer(text):  # words of min_letters or more
                word = match.group(0)
                inside = any(start <= match.start() < end for start, end in taken)
                if not inside and self._stem.match(word):
                    mention = Mention(
                        _as_written(question, word), word in self._corpus_words, True, "medicines"
                    )
                    found.append((match.start(), mention))
        return [mention for _, mention in sorted(found, key=lambda item: item[0])]

    def _acts_only(self, key: str, text: str, end: int) -> bool:
        """Whether the person named by ``key`` just before ``end`` only did something for the
        one asking ("my daughter bought me probiotics"), the message not speaking of them again
        ("my son says his tummy hurts")."""
        verbs = self._agent_verbs.get(key)
        if not verbs or not verbs.match(text, end):
            return False
        # "she says it will fix my gut" is them acting again; "her knees ache" is about them.
        return not any(
            not verbs.match(text, match.end()) for match in _THIRD_PERSON_RE.finditer(text, end)
        )

    def unmentioned(self, question: str) -> str | None:
        """The first subject ``question`` names that the articles never mention, as written."""
        return first_unmentioned(self.mentions(question))

    def speaks_of(self, text: str, subject: str, *, by_last_word: bool = True) -> bool:
        """Whether ``text`` names ``subject`` or a name meaning it (plural or not; a several-word
        one by its last word too, unless not ``by_last_word``: "sugar" names "refined sugar")."""
        corpus = " " + normalise(text) + " "
        key = normalise(subject)
        names = self._same.get(key)
        if names is None:  # not a name of the subjects file ("methotrexate" by its ending)
            return _occurs(key, corpus) or (
                by_last_word and " " in key and _occurs(key.rsplit(" ", 1)[1], corpus)
            )
        # A subject's names (and their last words) as one pattern, made the first time it is
        # asked for: one search of a passage where there was one per name and ending.
        pattern = self._spoken.get((key, by_last_word))
        if pattern is None:
            pattern = self._spoken[key, by_last_word] = _names_pattern(names, by_last_word)
        return pattern.search(corpus) is not None


def first_unmentioned(mentions: Sequence[Mention]) -> str | None:
    """The first of ``mentions`` the articles never mention, as written."""
    mention = unmentioned_mention(mentions)
    return mention.name if mention else None


def unmentioned_mention(mentions: Sequence[Mention]) -> Mention | None:
    """The first of ``mentions`` the articles never mention, a thing before a person ("my son
    … on methotrexate" is told about methotrexate, not about "your son"); several things are
    named together ("fish oil or turmeric")."""
    missing = [m for m in mentions if not m.in_corpus]
    things = [m for m in missing if not m.in_general]
    if not things:
        return missing[0] if missing else None
    # Each thing it names, once ("fish oil or turmeric"): one left out would read as covered.
    names = list(dict.fromkeys(m.name for m in things))
    if len(names) == 1:
        return things[0]
    said = ", ".join(names[:-1]) + " or " + names[-1]
    return dataclasses.replace(things[0], name=said)


def answered_in_general(mentions: Sequence[Mention]) -> str | None:
    """Whom the question is about, when the articles do not speak of them in particular and
    nothing else it names is unmentioned ("my daughter's knees ache, why?")."""
    missing = [m for m in mentions if not m.in_corpus]
    return missing[0].name if missing and all(m.in_general for m in missing) else None


def required(mentions: Sequence[Mention]) -> list[str]:
    """The ``mentions`` the corpus mentions that each quote given for them must name."""
    return [m.name for m in mentions if m.in_corpus and m.quotes_must_name]


def _occurs(key: str, corpus: str) -> bool:
    return any(f" {key}{ending} " in corpus for ending in ("", "s", "es"))


def _names_pattern(names: Iterable[str], by_last_word: bool) -> re.Pattern:
    """Where any of ``names`` occurs as ``_occurs`` finds it (a several-word one by its last word
    too, when ``by_last_word``), in one search."""
    terms = set(names)
    if by_last_word:
        terms |= {name.rsplit(" ", 1)[1] for name in names if " " in name}
    return re.compile(" (?:" + "|".join(re.escape(term) for term in sorted(terms)) + ")(?:s|es)? ")


def _trie_alternation(keys: Iterable[str]) -> str:
    """A regular expression that matches the longest of ``keys`` matching at a position, and on
    backtracking (a word boundary after it fails) the next longest: the same matches as the
    alternation of ``keys`` sorted longest first."""
    trie: dict = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}  # a key ends here

    def pattern(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char).replace(r"\ ", " ") + pattern(child)
                    for char, child in sorted(node.items()) if char]  # fmt: skip
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # A longer key is tried first; where this node ends a key, the shorter one is next.
        return f"(?:{body})?" if ends else body

    return pattern(trie)


def _as_written(question: str, normalised_name: str) -> str:
    """The words of ``question`` that normalise to ``normalised_name`` ("Omega-3" for "omega 3")."""
    words = normalised_name.split()
    pattern = r"[^A-Za-z0-9]+".join(re.escape(word) for word in words)
    match = re.search(pattern, unicodedata.normalize("NFKD", question), re.IGNORECASE)
    return match.group(0) if match else normalised_name


def load_subjects(corpus_texts: Iterable[str], path: Path | None = None) -> SubjectCheck:
    """Read the subjects file and check its names against the corpus texts."""
    path = path or DEFAULT_SUBJECTS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"SUBJECTS_FILE: cannot read {path} ({exc}).") from exc
    patterns = data.pop("patterns", {})
    aspects = _aspects(data.pop("aspects", {}), path)
    aliases = data.pop("aliases", {}).get("groups", [])
    sections = [section for section in data.values() if isinstance(section, dict)]
    categories = {
        name: category
        for category, section in data.items()
        if isinstance(section, dict)
        for name in section.get("names", [])
    }
    names = [name for section in sections for name in section.get("names", [])]
    if not names:
        raise ConfigError(f"SUBJECTS_FILE: {path} names no subjects ([section] names = [...]).")
    return SubjectCheck(
        names,
        corpus_texts,
        must_name=[
            name
            for section in sections
            if section.get("quotes_must_name")
            for name in section.get("names", [])
        ],
        in_general=[
            name
            for section in sections
            if section.get("answered_in_general")
            for name in section.get("names", [])
        ],
        categories=categories,
        aliases=aliases,
        medicine_stems=patterns.get("medicine_stems", []),
        no_general_quotes=[
            name
            for section in sections
            if section.get("general_quotes") is False
            for name in section.get("names", [])
        ],
        agent_verbs={
            name: [str(verb) for verb in section["agent_verbs"]]
            for section in sections
            if section.get("agent_verbs")
            for name in section.get("names", [])
        },
        object_verbs={
            name: [str(verb) for verb in section["object_verbs"]]
            for section in sections
            if section.get("object_verbs")
            for name in section.get("names", [])
        },
        min_letters=int(patterns.get("min_letters", 8)),
        child_age_below=_child_age_below(data, path),
        aspects=aspects,
        only_when_asked=[
            name
            for section in sections
            if section.get("only_when_asked")
            for name in section.get("names", [])
        ],
    )


def _aspects(section: object, path: Path) -> dict[str, AspectWords]:
    """``[aspects.NAME]`` tables: each a ``said`` text, its ``names``, and optionally its
    ``corpus_words``, ``unless`` phrases, ``only_with`` and ``told_with`` words."""
    found = {}
    for name, table in (section.items() if isinstance(section, dict) else ()):
        table = table if isinstance(table, dict) else {}
        said, names = table.get("said"), table.get("names")
        lists = [
            table.get(key, []) for key in ("corpus_words", "unless", "only_with", "told_with")
        ]
        if (
            not isinstance(said, str)
            or not said.strip()
            or not isinstance(names, list)
            or not all(isinstance(words, list) for words in lists)
        ):
            raise ConfigError(
                f"SUBJECTS_FILE: {path} [aspects.{name}] needs said = \"…\" and names = [...] "
                "(corpus_words, unless, only_with and told_with, if given, are lists too)."
            )
        corpus_words, unless, only_with, told_with = (
            tuple(str(w) for w in words) for words in lists
        )
        found[name] = AspectWords(
            said.strip(), tuple(str(n) for n in names), corpus_words, unless, only_with, told_with
        )
    return found


def _child_age_below(data: dict, path: Path) -> int | None:
    """``[people] child_age_below``: an age in years, or None when the file gives none."""
    people = data.get("people")
    value = people.get("child_age_below") if isinstance(people, dict) else None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(
            f"SUBJECTS_FILE: {path} has [people] child_age_below = {value!r}; give an age in "
            "whole years, such as 18."
        )
    return value
