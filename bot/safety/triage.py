"""Red-flag triage: does a message describe an emergency or an urgent situation?

Two layers, and a message is urgent when either fires (err toward flagging), both reading the
message sentence by sentence, so an emergency told in passing inside a longer message is caught:

* the lexicons (``data/red_flags.toml``, ``data/red_flags.<code>.toml``, in bot.safety.lexicon):
  patterns over the normalised text, with guards for negations, episodes that are over, general
  questions, questions about avoiding a sign, figurative language, harmless causes and medicine
  questions; a message in another language is read with its lexicon and the English one;
* semantic layers (bot.safety.semantic): each sentence's embedding against curated urgent and calm
  examples, vetoed by the same guards. English uses the retrieval model's vectors (a question of one
  sentence costs one matrix product); other languages, English messages of several sentences and
  messages of unclear language also use a multilingual model, which matches them against the
  examples of every language.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.embedding.encoder import Encoder
from bot.safety.language import ENGLISH
from bot.safety.lexicon import KIND_ORDER, SOON, Lexicon, RedFlag, load_lexicon
from bot.safety.semantic import (
    MULTILINGUAL_MARGIN,
    MULTILINGUAL_MIN_COSINE,
    SEMANTIC_MARGIN,
    SEMANTIC_MIN_COSINE,
    SENTENCE_MARGIN,
    SENTENCE_MIN_COSINE,
    STORIES_MARGIN,
    STORIES_MIN_COSINE,
    Examples,
    LabelledSentences,
    SemanticLayer,
    load_labelled_sentences,
    long_enough,
    semantic_sentences,
)

log = logging.getLogger(__name__)

DEFAULT_RED_FLAGS_FILE = Path(__file__).parent.parent / "data" / "red_flags.toml"
# Beside the red-flag file: sentences of the development sets, more examples for the semantic
# layers (written by `quotebot triage-examples`).
LABELLED_SENTENCES_FILE = "red_flag_examples.toml"
# The flag of a verdict that leads with urgent advice given earlier in the chat, not for itself.
EARLIER_FLAG = "urgent_earlier"
# Seconds after start-up before the multilingual model is loaded in the background.
WARM_UP_DELAY = 3.0


@dataclass(frozen=True)
class Triage:
    """The safety layer's verdict on one message."""

    flags: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    semantic_score: float = 0.0  # best sentence: nearest urgent example's cosine minus calm one's
    # Whether a pattern of the lexicon raised it: the message plainly tells an emergency, rather
    # than only reading near an urgent example (the semantic layer errs towards flagging).
    by_pattern: bool = False

    @property
    def urgent(self) -> bool:
        return bool(self.flags)

    @property
    def raised(self) -> bool:
        """Whether the message itself is urgent (not only the chat a few minutes ago)."""
        return any(flag != EARLIER_FLAG for flag in self.flags)

    def with_earlier(self, kinds: Sequence[str]) -> Triage:
        """This verdict with the urgent advice the chat was given a few minutes ago added."""
        merged = set(self.kinds) | set(kinds)
        return Triage(
            self.flags or (EARLIER_FLAG,),
            tuple(kind for kind in KIND_ORDER if kind in merged),
            self.semantic_score,
            self.by_pattern,
        )


class RedFlagDetector:
    """Finds red flags in messages, by pattern and by similarity to curated examples."""

    def __init__(
        self,
        lexicons: dict[str, Lexicon],
        semantic: SemanticLayer | None = None,
        multilingual: SemanticLayer | None = None,
        *,
        stories_multilingual: bool = True,
        labelled: LabelledSentences | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        if ENGLISH not in lexicons:
            raise ValueError("the English lexicon is required")
        self.lexicons = lexicons
        # What each flag, raised by a pattern, settles (the English file says it for every language).
        self._settles = {flag.id: flag.settles for flag in lexicons[ENGLISH].flags}
        self.semantic = semantic
        self.multilingual = multilingual
        # English messages of several sentences are read by the multilingual model as well, with
        # their own thresholds (an emergency told in passing is what the retrieval model misses).
        self.stories_multilingual = stories_multilingual
        # The sentences of an English message of several, with their own thresholds: inside a
        # message about health, a sentence near an urgent one is rarely a chatbot request.
        self.sentence_layer = (
            SemanticLayer(semantic.encoder, SENTENCE_MARGIN, SENTENCE_MIN_COSINE)
            if semantic
            else None
        )
        self.stories_layer = (
            SemanticLayer(multilingual.encoder, STORIES_MARGIN, STORIES_MIN_COSINE)
            if multilingual
            else None
        )
        self.labelled = labelled or LabelledSentences()
        self.cache_dir = cache_dir  # where the examples' vectors are kept between starts
        self._examples: dict[str, Examples] = {}
        self._warm_up_timer: threading.Timer | None = None
        self._examples_locks = {"en": threading.Lock(), "multi": threading.Lock()}

    @property
    def english(self) -> Lexicon:
        return self.lexicons[ENGLISH]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.lexicons)

    def check(self, text: str, vector: np.ndarray | None = None, language: str = ENGLISH) -> Triage:
        return self.check_batch(
            [text], None if vector is None else vector.reshape(1, -1), [language]
        )[0]

    def check_batch(
        self,
        texts: Sequence[str],
        vectors: np.ndarray | None = None,
        languages: Sequence[str] = (),
        unsure: Sequence[bool] = (),
        sentence_vectors: np.ndarray | None = None,
    ) -> list[Triage]:
        """A verdict per message. ``vectors`` (the messages' retrieval embeddings, English ones
        used) enable the semantic layer; ``languages`` are the messages' language codes; an
        ``unsure`` message (no word of any language told it apart) is read in every language."""
        languages = list(languages) or [ENGLISH] * len(texts)
        unsure = list(unsure) or [False] * len(texts)
        found = []
        for text, language, unsure_row in zip(texts, languages, unsure, strict=True):
            # A message in another language is read in English too: drug names, numbers and
            # English words turn up in every language, and a detection can be wrong.
            lexicons = (
                self.lexicons.values()
                if unsure_row
                else {
                    id(lexicon): lexicon for lexicon in (self._lexicon(language), self.english)
                }.values()
            )
            matched: list[RedFlag] = []
            for lexicon in lexicons:
                for flag in lexicon.find(text):
                    if flag.id not in {m.id for m in matched}:
                        matched.append(flag)
            found.append(matched)
        by_pattern = [bool(matched) for matched in found]
        scores = [0.0] * len(texts)
        if vectors is not None or self.multilingual is not None:
            read = self._semantic(texts, vectors, languages, unsure, sentence_vectors)
            settled = [
                {name for flag in matched for name in self._settles.get(flag.id, ())}
                for matched in found
            ]
            for row, flag, score, sentence in read:
                scores[row] = max(scores[row], score)
                if flag is None or flag.id in {m.id for m in found[row]}:
                    continue
                if flag.id in settled[row] and self._settled(sentence, flag.id, languages[row]):
                    continue
                found[row].append(flag)
        verdicts = []
        for matched, score, pattern in zip(found, scores, by_pattern):
            if any(flag.kind in ("emergency", "poisoning") for flag in matched):
                matched = [flag for flag in matched if flag.kind != SOON]
            kinds = tuple(kind for kind in KIND_ORDER if any(flag.kind == kind for flag in matched))
            verdicts.append(Triage(tuple(flag.id for flag in matched), kinds, score, pattern))
        return verdicts

    def sentences_to_encode(self, texts: Sequence[str]) -> list[str]:
        """The sentences of English messages the semantic layer reads on their own (messages of
        several sentences), in the order check_batch reads them: a caller that encodes them with
        the messages, in one model call, passes their vectors as ``sentence_vectors``."""
        if self.semantic is None:
            return []
        out: list[str] = []
        for text in texts:
            sentences = semantic_sentences(text)
            if len(sentences) > 1:
                out += sentences
        return out

    def stands_down(self, message: str) -> bool:
        """Whether ``message`` says the emergency the chat was warned about was seen to by a
        professional or was not meant ("I'm not suicidal, it's just an expression")."""
        return self.english.stands_down(message)

    def advises_care(self, passage: str) -> bool:
        """Whether an article's ``passage`` advises seeing a professional (the only kind of
        passage quoted under urgent advice the lexicon raised)."""
        return self.english.advises_care(passage)

    def _settled(self, sentence: str, flag_id: str, language: str) -> bool:
        """Whether a flag that settles ``flag_id`` is raised by a pattern in ``sentence`` itself:
        the lexicon settles what it read ("a few drops on the paper"), not a sentence beside it
        ("today the room spins when I stand")."""
        lexicons = {id(x): x for x in (self._lexicon(language), self.english)}.values()
        return any(
            flag_id in self._settles.get(flag.id, ())
            for lexicon in lexicons
            for flag in lexicon.find(sentence)
        )

    def _lexicon(self, language: str) -> Lexicon:
        # A language without its own lexicon is still checked with the English one: drug names,
        # numbers and English words turn up in every language.
        return self.lexicons.get(language, self.english)

    def _semantic(
        self,
        texts: Sequence[str],
        vectors: np.ndarray | None,
        languages: Sequence[str],
        unsure: Sequence[bool],
        sentence_vectors: np.ndarray | None = None,
    ) -> list[tuple[int, RedFlag | None, float, str]]:
        """(message row, flag or None, margin, the text read) for each sentence the semantic
        layers read."""
        english_rows: list[int] = []
        english_sentences: list[str] = []
        other_rows: list[int] = []
        other_sentences: list[str] = []
        story_rows: list[int] = []  # English messages of several sentences, read by both models
        story_sentences: list[str] = []
        whole_rows: list[int] = []  # rows read as a whole, with the vector retrieval made
        for row, (text, language, unsure_row) in enumerate(
            zip(texts, languages, unsure, strict=True)
        ):
            sentences = semantic_sentences(text)
            if language == ENGLISH and vectors is not None and self.semantic is not None:
                # The message as a whole (its vector is already there), and each of its sentences
                # when it has several: an emergency told in passing has a sentence of its own.
                if long_enough(text):
                    whole_rows.append(row)
                if len(sentences) > 1:
                    english_rows += [row] * len(sentences)
                    english_sentences += sentences
            story = language == ENGLISH and self.stories_multilingual and len(sentences) > 1
            if story and not unsure_row and self.multilingual is not None:
                story_rows += [row] * len(sentences)
                story_sentences += sentences
            elif (language != ENGLISH or unsure_row) and self.multilingual is not None:
                whole = [text] if len(sentences) != 1 and long_enough(text) else []
                other_rows += [row] * (len(sentences) + len(whole))
                other_sentences += sentences + whole
        results: list[tuple[int, RedFlag | None, float, str]] = []
        if whole_rows:
            # A message read whole is often one sentence ("how do I stop my dog barking"): it is
            # read against the curated examples alone, as before the development sets' sentences
            # came in (each a part of a longer story, they are too loose a match for it).
            near = self._examples_for("en").nearest(
                np.asarray(vectors)[whole_rows], self.semantic, curated_only=True
            )
            read = [(row, texts[row]) for row in whole_rows]
            results += self._unvetoed(read, near, languages)
        if english_sentences:
            if sentence_vectors is None or len(sentence_vectors) != len(english_sentences):
                sentence_vectors = self.semantic.encoder.encode(english_sentences)
            near = self._examples_for("en").nearest(sentence_vectors, self.sentence_layer)
            results += self._unvetoed(list(zip(english_rows, english_sentences)), near, languages)
        if other_sentences or story_sentences:
            try:
                encoded = self.multilingual.encoder.encode(other_sentences + story_sentences)
            except Exception as exc:  # the lexicons' verdicts stand without the model
                log.error(
                    "The multilingual model failed (%s); triage goes on with the lexicons.",
                    type(exc).__name__,
                )
                return results
            examples = self._examples_for("multi")
            near = examples.nearest(encoded[: len(other_sentences)], self.multilingual)
            results += self._unvetoed(list(zip(other_rows, other_sentences)), near, languages)
            near = examples.nearest(encoded[len(other_sentences) :], self.stories_layer)
            results += self._unvetoed(list(zip(story_rows, story_sentences)), near, languages)
        return results

    def _unvetoed(
        self,
        read: list[tuple[int, str]],
        near: list[tuple[RedFlag | None, float]],
        languages: Sequence[str],
    ) -> list[tuple[int, RedFlag | None, float, str]]:
        """Semantic hits, less those whose sentence the language's guards set aside."""
        results = []
        for (row, text), (flag, score) in zip(read, near):
            if flag is not None and self._lexicon(languages[row]).vetoes(text, flag.kind):
                flag = None
            results.append((row, flag, score, text))
        return results

    def _examples_for(self, which: str) -> Examples:
        found = self._examples.get(which)
        if found is not None:
            return found
        # One build per model; questions of one English sentence never wait for the other model.
        with self._examples_locks[which]:
            return self._build_examples(which)

    def _build_examples(self, which: str) -> Examples:
        if which not in self._examples:
            if which == "en":
                lexicons = [self.english]
                layer = self.semantic
            else:
                lexicons = list(self.lexicons.values())
                layer = self.multilingual
            by_id = {flag.id: flag for flag in self.english.flags}
            urgent = [
                (by_id.get(flag.id, flag), example)
                for lexicon in lexicons
                for flag in lexicon.flags
                for example in flag.examples
            ]
            calm = [example for lexicon in lexicons for example in lexicon.calm_examples]
            curated = (len(urgent), len(calm))
            urgent += [
                (by_id[flag_id], text)
                for flag_id, text in self.labelled.urgent_for(which)
                if flag_id in by_id
            ]
            calm += self.labelled.calm_for(which)
            self._examples[which] = Examples(
                layer.encoder, urgent, calm, self.cache_dir, curated=curated
            )
        return self._examples[which]

    def with_layers(
        self, semantic: SemanticLayer | None, multilingual: SemanticLayer | None
    ) -> RedFlagDetector:
        """The same lexicons and embedded examples, read with other semantic thresholds."""
        other = RedFlagDetector(
            self.lexicons,
            semantic,
            multilingual,
            stories_multilingual=self.stories_multilingual,
            labelled=self.labelled,
            cache_dir=self.cache_dir,
        )
        other._examples = self._examples
        return other

    def warm_up(self, *, background_after: float | None = WARM_UP_DELAY) -> threading.Thread | None:
        """Embed the examples now, not on the first user's time. The multilingual model (about
        2 s to load, most of it pure Python that competes for the interpreter) warms in a
        background thread ``background_after`` seconds later, once the bot has connected (None:
        now, in this thread). A message that needs it before then waits for the load (the
        model's lock) rather than being read without it."""
        self.english.prepare()  # the RE2 screen: a fifth of a second, not on the first question
        if self.semantic is not None:
            self._examples_for("en")
        if self.multilingual is None:
            return None
        if background_after is None:
            self._warm_multilingual()
            return None
        timer = threading.Timer(background_after, self._warm_multilingual)
        timer.name, timer.daemon = "quotebot-multilingual-warm-up", True
        timer.start()
        self._warm_up_timer = timer
        return timer

    def _warm_multilingual(self) -> None:
        for lexicon in self.lexicons.values():
            lexicon.prepare()
        try:
            self._examples_for("multi")
            load = getattr(self.multilingual.encoder, "load", None)
            if load is not None:  # the examples' vectors may come from a file: the model too
                load()
        except Exception as exc:  # reported; triage reads other languages with the lexicons
            log.error("Could not load the multilingual model (%s).", type(exc).__name__)

    def close(self) -> None:
        """Stop a background warm-up that has not started yet."""
        if self._warm_up_timer is not None:
            self._warm_up_timer.cancel()


def load_red_flags(
    path: Path | None = None,
    encoder: Encoder | None = None,
    *,
    multilingual: Encoder | None = None,
    languages: Sequence[str] = (),
    cache_dir: Path | None = None,
) -> RedFlagDetector:
    """The English red-flag file and, beside it, ``red_flags.<code>.toml`` for each other language
    and the development sets' labelled sentences (``red_flag_examples.toml``, if there).

    A malformed file is a one-line ConfigError naming the entry.
    """
    path = path or DEFAULT_RED_FLAGS_FILE
    english = load_lexicon(path, ENGLISH)
    kinds = {flag.id: flag.kind for flag in english.flags}
    lexicons = {ENGLISH: english}
    for code in languages:
        translated = path.with_name(f"{path.stem}.{code}.toml")
        if code != ENGLISH and translated.exists():
            lexicons[code] = load_lexicon(translated, code, kinds)
    return RedFlagDetector(
        lexicons,
        SemanticLayer(encoder, SEMANTIC_MARGIN, SEMANTIC_MIN_COSINE) if encoder else None,
        SemanticLayer(multilingual, MULTILINGUAL_MARGIN, MULTILINGUAL_MIN_COSINE)
        if multilingual
        else None,
        labelled=load_labelled_sentences(path.with_name(LABELLED_SENTENCES_FILE)),
        cache_dir=cache_dir,
    )
