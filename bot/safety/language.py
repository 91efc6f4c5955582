"""Which language a message is written in: the text is the evidence, Telegram's language_code a hint.

The articles are English; a message in another language gets its notice, and its urgent advice, in
that language. Detection counts each language's common words and its own letters
(``data/languages.toml``), after the script has narrowed the candidates: short chat messages are
too short for character statistics, and these words are what people write.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ConfigError

DEFAULT_LANGUAGES_FILE = Path(__file__).parent.parent / "data" / "languages.toml"
ENGLISH = "en"
# A message in a script none of the known languages uses (Chinese, Greek, Hebrew, ...).
UNKNOWN = "und"
# A language is only taken over English with at least this much evidence (a word counts 1, one of
# its own letters 2): "la dieta" is not enough to stop answering in English, "tengo dolor" is.
MIN_EVIDENCE = 2

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    words: frozenset[str]
    letters: frozenset[str] = frozenset()
    script: str = "latin"


@dataclass(frozen=True)
class LanguageDetector:
    """Tells the language of a message among the known ones (English when in doubt)."""

    languages: tuple[Language, ...]
    _by_code: dict[str, Language] = field(init=False, repr=False, compare=False)
    # Each known word with the languages that have it: a message's words are looked up once,
    # not once per language.
    _languages_of: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "_by_code", {language.code: language for language in self.languages}
        )
        languages_of: dict[str, list[str]] = {}
        for language in self.languages:
            for word in language.words:
                languages_of.setdefault(word, []).append(language.code)
        object.__setattr__(
            self, "_languages_of", {word: tuple(codes) for word, codes in languages_of.items()}
        )

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._by_code)

    def name(self, code: str) -> str:
        language = self._by_code.get(code)
        return language.name if language else code

    def detect(self, text: str, hint: str | None = None) -> str:
        """The message's language code; ``hint`` (a Telegram ``language_code``) breaks near-ties."""
        return self.detect_batch([text], [hint])[0]

    def detect_batch(self, texts: Sequence[str], hints: Sequence[str | None] = ()) -> list[str]:
        hints = list(hints) + [None] * (len(texts) - len(hints))
        return [self._detect(text, _base_code(hint)) for text, hint in zip(texts, hints)]

    def unsure(self, text: str) -> bool:
        """Whether a message taken for English shows no English at all ("wymiotuje krwia"): triage
        then reads it with every language's lexicon, since it may be any of them."""
        if _main_script(text) != "latin":
            return False
        words = _WORD.findall(text.casefold().replace("’", "'"))
        english = self._by_code.get(ENGLISH)
        return (
            len(words) >= 3 and english is not None and not any(w in english.words for w in words)
        )

    def _detect(self, text: str, hint: str | None) -> str:
        script = _main_script(text)
        if script is None:
            return ENGLISH
        candidates = [language for language in self.languages if language.script == script]
        if not candidates:
            return UNKNOWN
        folded = text.casefold()
        words = _WORD.findall(folded.replace("’", "'"))
        # A word of a language counts 1 for it, one of its own letters 2.
        scores = {
            language.code: 2 * sum(letter in folded for letter in language.letters)
            for language in candidates
        }
        for word in words:
            for code in self._languages_of.get(word, ()):
                if code in scores:
                    scores[code] += 1
        if script != "latin":
            # Nothing to weigh against English: the script decides, the words pick among its languages.
            best = max(scores.values())
            tied = [code for code, score in scores.items() if score == best]
            return hint if hint in tied else tied[0]
        english = scores.pop(ENGLISH, 0)
        if not scores:
            return ENGLISH
        best = max(scores.values())
        tied = [code for code, score in scores.items() if score == best]
        code = hint if hint in tied else tied[0]
        if best >= MIN_EVIDENCE and best > english:
            return code
        # Not one English word, and a word of one language ("vomitando sangre"): that language.
        if english == 0 and best >= 1 and len(tied) == 1:
            return code
        # The hint tips a balance the text leaves open, never one it decides.
        if hint in scores and scores[hint] >= MIN_EVIDENCE - 1 and scores[hint] > english > 0:
            return hint
        return ENGLISH


def _base_code(hint: str | None) -> str | None:
    """Telegram sends IETF tags ("pt-br", "en-GB"): the language is the part before the dash."""
    return hint.split("-")[0].casefold() if hint else None


def _main_script(text: str) -> str | None:
    """The script most letters of the text are written in, or None when it has no letters."""
    if text.isascii():
        return "latin" if any(ch.isalpha() for ch in text) else None
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        script = (
            "latin"
            if name.startswith("LATIN")
            else "cyrillic"
            if name.startswith("CYRILLIC")
            else "arabic"
            if name.startswith("ARABIC")
            else "other"
        )
        counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    return max(counts, key=counts.get)


def load_languages(path: Path | None = None) -> LanguageDetector:
    """Read the languages file; a malformed one is a one-line ConfigError naming the entry."""
    path = path or DEFAULT_LANGUAGES_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"LANGUAGES_FILE: cannot read {path} ({exc}).") from exc
    if ENGLISH not in data:
        raise ConfigError(
            f"LANGUAGES_FILE: {path} has no [en] table; English is the corpus's language."
        )
    languages = []
    for code, entry in data.items():
        if not isinstance(entry, dict) or not entry.get("words"):
            raise ConfigError(f"LANGUAGES_FILE: [{code}] in {path} lists no words.")
        languages.append(
            Language(
                code=code,
                name=entry.get("name", code),
                words=frozenset(word.casefold() for word in entry["words"]),
                letters=frozenset(entry.get("letters", "")),
                script=entry.get("script", "latin"),
            )
        )
    return LanguageDetector(tuple(languages))
