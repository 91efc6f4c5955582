"""From message to Answer: clean, recognise small talk, tell the language, triage red flags,
retrieve, check the question's subjects, compose. Batch first.

``answer_batch`` encodes all questions of a batch in one model call and shares each vector between
the semantic red-flag layer and dense retrieval; ``answer`` is a batch of one.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.answering.answer import Answer
from bot.answering.cautions import Cautions
from bot.answering.compose import compose_answer
from bot.answering.corpus_view import CorpusView
from bot.answering.escalation import choose_escalation
from bot.answering.fixed_texts import FixedTexts
from bot.answering.follow_up import (
    asks_of_healing,
    asks_otherwise,
    borrowed_reading,
    points_at_a_person_only,
    swaps_subject,
)
from bot.answering.inputs import (
    MAX_QUESTION_CHARS,
    InputProblem,
    as_the_model_reads,
    clean_message,
    input_problem,
)
from bot.answering.off_topic import OffTopic
from bot.answering.question_parts import other_part
from bot.answering.small_talk import ASIDE, OFF_TOPIC, UNKNOWN_COMMAND, SmallTalk
from bot.answering.stories import (
    asking_clause,
    asking_sentence,
    asking_sentences,
    asks_about,
    asks_anything,
    compares,
    leans_on_treatment,
    points_back,
    refers_back,
    standing_question,
    weighs,
    without_excluded,
)
from bot.answering.subjects import (
    Mention,
    SubjectCheck,
    answered_in_general,
    normalise,
    required,
    unmentioned_mention,
    without_names,
)
from bot.answering.unlisted import UNLISTED_MAX_COSINE, unlisted_name
from bot.answering.unsaid import (
    AskedAspect,
    asked_aspect,
    asks_to_weigh,
    asks_whether_they_get,
    negated_unsaid,
    weighs_them,
)
from bot.embedding.encoder import Encoder
from bot.errors import ModelError
from bot.ingest.corpus import SourceDocument
from bot.retrieval.lexical import LexicalIndex
from bot.retrieval.retrieve import MAX_SELECTED, Hit, Retriever
from bot.safety.language import ENGLISH, LanguageDetector, load_languages
from bot.safety.lexicon import LASTING_KINDS
from bot.safety.triage import RedFlagDetector, Triage

log = logging.getLogger(__name__)
# A story of this many words or fewer that tells nothing of health keeps no subject ("I like that").
SHORT_STORY_WORDS = 4

# A message asking whether "it" is something ("is it my gut?", "could this just be leaky gut"),
# what to do or whether to give something: right after an emergency, it asks about the emergency.
_ASKS_ABOUT_IT_RE = re.compile(
    r"^\W*(?:(?:so|but|and|ok|okay|hmm|or|well|wait|please|pls)\W+)*(?:(?:is|could|can|might|may|"
    r"would|will)\s+(?:it|this|that|these|they|he|she)\b(?!\s+(?:help|work|heal|stop|take)\b)|"
    r"(?:what|wat)\s+(?:should|shall|do|can|must)\s+(?:i|we)\s+do\b|what now\b|now what\b|"
    r"help\W*$|(?:should|can|could|shall)\s+(?:i|we)\s+give\s+(?:him|her|them|it)\b)",
    re.IGNORECASE,
)
DEFAULT_MAX_QUOTES = 3
# Small talk of more words than this is read by both triage layers ("thanks, I will not be here
# tomorrow"); shorter small talk by the lexicon alone.
SCREENED_WORDS = 3
# Passages quoted at most where only the articles' advice to see a professional is quoted.
CARE_QUOTES = 2
# How near a known question a story's asking sentence must be, alone, for it to be answered as a
# question of its own beside a subject the story names and the articles never mention. Chosen on
# trial 15's stories (2026-11-23): "What do your articles say about autoimmunity and the joints?"
# reads 0.84, "Does an imbalanced microbiome affect the joints?" 0.93; "How long before I feel
# better?" after prednisone reads 0.80 and "Will my joints get better?" after methotrexate 0.77,
# which ask about the medicine.
ASKED_ALONE = 0.84
# ... or, for these kinds of subject, any asking sentence that stands alone: a food or a symptom
# told in a story is seldom what the question is about ("I eat crisps at night. What foods are
# inflammatory?", trial 16), where a medicine, a condition, a procedure or a device usually is ("I
# have Crohn's. How long does healing take?", "I had a cortisone shot. How long before my joints
# improve?").
INCIDENTAL_CATEGORIES = frozenset({"foods_and_diets", "symptoms"})
# ... and, told in a story only, a sport or a pastime ("My dad plays golf three times a week and
# his wrists are killing him. Does he need to get checked out?"); named in the asking clause it
# is asked about whatever is asked of it ("Can I still play football?").
TOLD_INCIDENTAL_CATEGORIES = INCIDENTAL_CATEGORIES | {"activities"}
# Small talk that, among other words, is still only that in a follow-up.
_CHAT_KINDS = frozenset({"thanks", "goodbye", "greeting", "distress"})
_PARTING_KINDS = frozenset({"thanks", "goodbye"})
# A follow-up that puts something in the place of what was asked about ("and gluten free
# instead?"): what a treatment's caution is kept for.
_INSTEAD_RE = re.compile(
    r"\b(?:instead|rather than|replace|replacing|swap|swapping|switch|switching|substitute|"
    r"alternative|alternatives)\b",
    re.IGNORECASE,
)
# A greeting and a story naming one of these gets what is said of it (a midwife, a vet), not
# "What would you like to know?".
_TOLD_FOR_OTHERS = frozenset({"pregnancy", "animals", "costs_and_brands", "work_and_benefits"})


@dataclass(frozen=True)
class Request:
    """One message to answer.

    ``offset`` skips passages already shown ("More passages"); ``context`` is the chat's previous
    question when the message cannot stand on its own ("and for how long?"): it is read with its
    subject (bot.answering.follow_up).
    ``language_hint`` is the sender's app language (Telegram's ``language_code``), if known.
    ``urgent``: the kinds of urgent advice the chat was given a few minutes ago; a message that
    is not small talk leads with it again ("he says it's fine" after chest pain).
    """

    text: str
    offset: int = 0
    context: str | None = None
    language_hint: str | None = None
    urgent: tuple[str, ...] = ()
    # Cautions the chat was given a few minutes ago that stay with it ("I'm pregnant" then "what
    # about turmeric?"): they lead this answer too.
    cautions: tuple[str, ...] = ()
    # Whether the chat asked a question a few minutes ago: a remark that asks nothing after it
    # reacts to the answer ("feels like my knees are a bit better already honestly").
    after_question: bool = False


class AnswerPipeline:
    """Answers messages with verbatim quotes, fixed safety texts, and nothing generated."""

    def __init__(
        self,
        encoder: Encoder,
        retriever: Retriever,
        detector: RedFlagDetector,
        texts: FixedTexts,
        *,
        sources: Sequence[SourceDocument],
        small_talk: SmallTalk | None = None,
        subjects: SubjectCheck | None = None,
        cautions: Cautions | None = None,
        max_quotes: int = DEFAULT_MAX_QUOTES,
        max_chars: int = MAX_QUESTION_CHARS,
        languages: LanguageDetector | None = None,
        off_topic: OffTopic | None = None,
    ) -> None:
        self.encoder = encoder
        self.detector = detector
        self.texts = texts
        # Replaced whole by swap(); a batch reads it once (never half of one index and half of another).
        self.corpus = CorpusView(retriever, sources, subjects)
        self.small_talk = small_talk
        self.cautions = cautions or Cautions()
        self.max_quotes = max_quotes
        self.max_chars = max_chars
        self.languages = languages or load_languages()
        # Chatter in another language, told apart from a question (bot.answering.off_topic).
        self.off_topic = off_topic

    def swap(self, corpus: CorpusView) -> None:
        """Answer from ``corpus`` from the next batch on (a new index, loaded and checked)."""
        self.corpus = corpus

    @property
    def retriever(self) -> Retriever:
        return self.corpus.retriever

    @property
    def sources(self) -> tuple[SourceDocument, ...]:
        """The articles the index being served quotes."""
        return self.corpus.sources

    @property
    def topics(self) -> tuple[str, ...]:
        return self.corpus.topics

    @property
    def subjects(self) -> SubjectCheck | None:
        return self.corpus.subjects

    def _told_only(
        self,
        message: str,
        context: str,
        triage: Triage,
        cautions: Sequence[str],
        own: Sequence[Mention],
        ranked: bool,
        urgent: bool = False,
    ) -> str | None:
        """The small talk a message that asks nothing is answered with, though it says more:
        distress it ends on ("… Nothing works."), or a greeting and a story ("hi! I have celiac
        disease and my joints ache"), which a follow-up may then ask about. None when it asks,
        raises advice, or tells what has words of its own (a pregnancy, a pet)."""
        if not self.small_talk or not ranked or triage.flags:
            return None
        if self.small_talk.ends_in_distress(message):
            return "distress"
        if context or cautions or any(m.category in _TOLD_FOR_OTHERS for m in own):
            return None
        if self.small_talk.greets_and_tells(message):
            return "told"
        if not urgent and self.small_talk.only_tells(message):
            return "story"  # (after urgent advice, what is told is about the emergency)
        return None

    def _chatter(
        self,
        cleaned: Sequence[str],
        context: Sequence[str],
        problems: Sequence[InputProblem | None],
        talk: Sequence[str | None],
        triage: Sequence[Triage],
        corpus: CorpusView,
    ) -> list[int]:
        """The messages in another language that are chatter (bot.answering.off_topic)."""
        if self.off_topic is None:
            return []
        rows = [
            i
            for i, problem in enumerate(problems)
            if problem == "language"
            and talk[i] is None
            and not context[i]
            and not triage[i].flags
            and not (corpus.subjects and corpus.subjects.mentions(cleaned[i]))
        ]
        if not rows:
            return []
        try:
            far = self.off_topic.far_from([cleaned[i] for i in rows], corpus.passage_texts)
        except (ModelError, OSError, RuntimeError, ValueError) as exc:
            log.warning("Could not read a message in another language (%s).", type(exc).__name__)
            return []
        return [i for i, is_far in zip(rows, far) if is_far]

    def answer(self, question: str, *, offset: int = 0, context: str | None = None) -> Answer:
        return self.answer_batch([Request(question, offset, context)])[0]

    def answer_batch(self, requests: Sequence[Request | str]) -> list[Answer]:
        requests = [r if isinstance(r, Request) else Request(r) for r in requests]
        corpus = self.corpus  # the whole batch is answered from one index
        cleaned = [clean_message(r.text) for r in requests]
        context = [clean_message(r.context) if r.context else "" for r in requests]
        says_something = _says_something(corpus.retriever.lexical, corpus.subjects)
        # "gorgeous!! what yarn is that" points back at a thing the articles never speak of, not
        # at the question before it: it borrows nothing.
        for i, text in enumerate(cleaned):
            thing = _WHAT_THING_RE.match(text) if context[i] else None
            if thing and thing[1].casefold() not in _NO_THING and not says_something(thing[1]):
                context[i] = ""
        # "what does fix it then" after "does intermittent fasting fix leaky gut" asks what does
        # in its place: the thing the articles never mention is not borrowed. (What to take in
        # place of a medicine they do not say: "what should i use instead then" after ibuprofen.)
        # ... nor does "how long till it gets better tho" after "can i take ashwagandha for it"
        # (the writers of the blind sets ask how long the gut's healing takes), medicines too.
        for i, text in enumerate(cleaned):
            if not (context[i] and corpus.subjects):
                continue
            # ... nor one that asks when to see a doctor ("at what point should he get it looked
            # at" after "What about cortisone shots"): it asks about the person, not the thing.
            healing = asks_of_healing(text) or bool(_ASKS_TO_SEE_RE.search(text))
            if healing or asks_otherwise(text):
                left = [
                    m.name
                    for m in corpus.subjects.mentions(context[i])
                    if not m.in_corpus
                    and not m.in_general
                    and (healing or m.category != "medicines")
                ]
                context[i] = without_names(context[i], left) if left else context[i]
        talk = [
            self.small_talk.kind(text, says_something) if self.small_talk and not r.offset else None
            for r, text in zip(requests, cleaned)
        ]
        # Read with the chat's previous question for a word that points back, or after urgent
        # advice, thanks that says more ("Thanks, this is very useful for my slides.", "ok thank
        # you, I am more calm now") is still thanks: nothing borrowed, the advice not repeated.
        for i, (request, text) in enumerate(zip(requests, cleaned)):
            if (
                talk[i] is None
                and (context[i] or request.urgent)
                and self.small_talk
                and not request.offset
            ):
                kind = self.small_talk.within(text)
                talk[i] = kind if kind in _CHAT_KINDS else None
                # ... and an aside to someone else borrows nothing either ("Rachel, playdate
                # Thursday? 🛝", "lunch at 1?").
                if talk[i] is None and (
                    self.small_talk.calls_someone(text, says_something)
                    or self.small_talk.makes_plans(text, says_something)
                ):
                    talk[i] = ASIDE
                # ... nor a remark that asks nothing and tells nothing of health ("Ours had
                # that too, it passed after a few months").
                if (
                    talk[i] is None
                    and context[i]
                    and not request.urgent
                    and not swaps_subject(text)
                ):
                    talk[i] = self.small_talk.remark_of_nothing(text)
            # ... and so is one that says what it read is understood ("Thanks, that explains my
            # knees."), whatever health words it repeats.
            if talk[i] is None and self.small_talk and not request.offset:
                talk[i] = self.small_talk.understands(text)
            # ... and one that tells someone else to see a professional ("mum honestly with
            # swelling you need to go to the doctor, not ask a bot", "told you mate, go see the
            # physio"): said to them, not asked of the articles.
            if talk[i] is None and self.small_talk and self.small_talk.sends_someone(text):
                talk[i] = ASIDE
        problems = [
            None if kind else input_problem(text, self.max_chars)
            for kind, text in zip(talk, cleaned)
        ]
        # The articles are English; a message in another language is told so in its language, and
        # checked for red flags in it.
        languages = self.languages.detect_batch(cleaned, [r.language_hint for r in requests])
        # Small talk is answered in the language of its phrases ("gracias" is two words short of
        # telling a language by its letters).
        for i, kind in enumerate(talk):
            if kind and self.small_talk and (spoken := self.small_talk.language(cleaned[i])):
                languages[i] = spoken
        for i, language in enumerate(languages):
            if language != ENGLISH and talk[i] is None and problems[i] in (None, "too_long"):
                problems[i] = "language"
        valid = [i for i in range(len(requests)) if problems[i] is None and talk[i] is None]
        # Small talk that says more than a few words ("thanks, I will not be here tomorrow") is
        # read by both triage layers too, though nothing is retrieved for it.
        # ... and so is small talk told only by the words beside it ("great, bleeding again").
        screened = [
            i
            for i in range(len(requests))
            if talk[i]
            and languages[i] == ENGLISH
            and (
                len(cleaned[i].split()) > SCREENED_WORDS
                or (talk[i] != UNKNOWN_COMMAND and self.small_talk.kind(cleaned[i]) is None)
            )
        ]
        # What is read for retrieval: the message, and with the previous question's subject when it
        # borrows it.
        queries = {i: f"{context[i]} {cleaned[i]}" if context[i] else cleaned[i] for i in valid}
        # Read with its chat spellings as the words they stand for ("wen shud i go to a doc").
        spelled = {
            i: (
                self.small_talk.spelled_out(cleaned[i], follow_up=context[i])
                if self.small_talk
                else cleaned[i]
            )
            for i in valid
        }
        # ... and with a slip of a letter in a word of the articles mended ("probiotcs").
        spelled = {i: corpus.retriever.lexical.respelled(text) for i, text in spelled.items()}
        # ... and without what a question opens by leaving out ("Apart from leaky gut, what
        # other things can cause joint pain?").
        spelled = {i: without_excluded(text) for i, text in spelled.items()}
        readings = {i: borrowed_reading(context[i], spelled[i]) for i in valid if context[i]}
        # A question of two parts, one about a subject the articles never mention: the other part
        # is read on its own too ("how long does it take to heal leaky gut and can i drink
        # alcohol"), in the same model call.
        parts = {
            i: rest
            for i in valid
            if not context[i] and corpus.subjects
            if (rest := other_part(spelled[i], corpus.subjects))
        }
        part_rows = list(parts)
        borrowing = [i for i in valid if context[i]]
        checked = valid + screened
        # One row per valid message, then one per borrowing message read with what it borrows
        # (bot.answering.follow_up), then the screened small talk.
        texts = [spelled[i] for i in valid] + [readings[i] for i in borrowing]
        texts += [cleaned[i] for i in screened]
        # The sentences triage reads on their own (messages of several sentences) ride in the
        # same model call as the messages: one call per batch.
        sentences = (
            self.detector.sentences_to_encode(
                [spelled[i] for i in valid] + [cleaned[i] for i in screened]
            )
            if checked
            else []
        )
        part_texts = [parts[i] for i in part_rows]
        # A story told before the question: the asking sentence is read on its own too, with the
        # vector triage's sentences already have (bot.answering.stories).
        asking = {
            i: sentence
            for i in valid
            if i not in parts
            if (sentence := asking_sentence(spelled[i]))
        }
        # A question about someone ("my son is 9 and keeps getting stomach aches and sore ankles,
        # is that linked?") is read without them too: the articles speak of the symptoms, and
        # the person's words pull the question's vector away from every passage.
        if corpus.subjects:
            for i in valid:
                if i in asking or i in parts or context[i] or not asks_anything(spelled[i]):
                    continue
                impersonal = corpus.subjects.without_people(spelled[i])
                if impersonal != spelled[i]:
                    asking[i] = impersonal
        asking_rows = list(asking)
        told = set(sentences)
        unread = list(dict.fromkeys(asking[i] for i in asking_rows if asking[i] not in told))
        encoded = (
            self.encoder.encode(
                [as_the_model_reads(text) for text in texts + sentences + part_texts + unread]
            )
            if checked
            else None
        )
        vectors = encoded[: len(texts)] if encoded is not None else None
        read = len(texts) + len(sentences)
        sentence_vectors = encoded[len(texts) : read] if encoded is not None else None
        part_vectors = encoded[read : read + len(part_texts)] if encoded is not None else None
        if asking_rows:
            by_sentence = dict(zip(sentences, sentence_vectors))
            by_sentence |= dict(zip(unread, encoded[read + len(part_texts) :]))
            asking_vectors = np.stack([by_sentence[asking[i]] for i in asking_rows])

        # Safety first, on every message itself (not what it borrows), whatever else is wrong with
        # it: both layers where there is a vector, the lexicon alone on the rest.
        triage = [None] * len(requests)
        rest = sorted(set(range(len(requests))) - set(checked))
        if checked:
            own = len(valid) + len(borrowing)
            own_texts = texts[: len(valid)] + texts[own:]
            own_vectors = np.concatenate([vectors[: len(valid)], vectors[own:]])
            unsure = [self.languages.unsure(cleaned[i]) for i in checked]
            verdicts = self.detector.check_batch(
                own_texts, own_vectors, unsure=unsure, sentence_vectors=sentence_vectors
            )
            for i, verdict in zip(checked, verdicts):
                triage[i] = verdict
        if rest:
            verdicts = self.detector.check_batch(
                [cleaned[i] for i in rest], None, [languages[i] for i in rest]
            )
            for i, verdict in zip(rest, verdicts):
                triage[i] = verdict
        # Thanks and goodbye and nothing more ("thanks so much, goodbye!", "Thank you very much
        # dear, you have been a great help. Goodbye") read near the farewells of a crisis, but
        # say none: only the lexicon raises advice for them. A farewell that says more ("Goodbye
        # forever.", "thank you for everything") is no small talk only, and is read as before.
        for i in screened:
            if (
                triage[i].flags
                and not triage[i].by_pattern
                and talk[i] in _PARTING_KINDS
                and self.small_talk.kind(cleaned[i]) == talk[i]
            ):
                triage[i] = Triage(semantic_score=triage[i].semantic_score)
        # A message in another language that speaks of nothing the articles do, raises nothing
        # and follows no question is chatter ("festa da rua no sábado, quem traz o bolo?"): it is
        # acknowledged in its language, not told that only English is answered.
        for i in self._chatter(cleaned, context, problems, talk, triage, corpus):
            problems[i], talk[i] = None, "ack"

        stood_down: dict[int, str] = {}
        for i, request in enumerate(requests):
            # What follows an emergency leads with its advice again, unless it says a professional
            # has seen to it or it was not meant ("I'm not suicidal, it's just an expression").
            if request.urgent and talk[i] is None:
                if self.detector.stands_down(cleaned[i]):
                    crisis = "crisis" in request.urgent
                    stood_down[i] = "stood_down_crisis" if crisis else "stood_down"
                else:
                    # ... a doctor's matter for soon only where the message asks about it ("is
                    # that serious?"), not under every question that follows.
                    kinds = [
                        kind
                        for kind in request.urgent
                        if kind in LASTING_KINDS or _ASKS_ABOUT_IT_RE.match(cleaned[i])
                    ]
                    if kinds:
                        triage[i] = triage[i].with_earlier(kinds)

        ranked: dict[int, list[Hit]] = {}
        borrowed: dict[int, list[Hit]] = {}
        asking_hits: dict[int, list[Hit]] = {}
        part_hits: dict[int, list[Hit]] = {}
        if valid:
            # A follow-up is ranked twice, alone and with what it borrows ("and for how long?"
            # alone finds the weeks-and-months passage); the other part of a question too.
            ranked_texts = len(valid) + len(borrowing)
            asking_texts = [asking[i] for i in asking_rows]
            hits = corpus.retriever.rank_batch(
                texts[:ranked_texts] + part_texts + asking_texts,
                np.concatenate(
                    [vectors[:ranked_texts], part_vectors]
                    + ([asking_vectors] if asking_rows else [])
                ),
                borrowing=range(len(valid), ranked_texts),
            )
            ranked = dict(zip(valid, hits))
            borrowed = dict(zip(borrowing, hits[len(valid) : ranked_texts]))
            parted = ranked_texts + len(part_texts)
            part_hits = dict(zip(part_rows, hits[ranked_texts:parted]))
            asking_hits = dict(zip(asking_rows, hits[parted:]))

        # How near each message of its own (not a follow-up) is to a question known to have no
        # answer in the articles.
        unanswered_near: dict[int, float] = {}
        own_rows = [row for row, i in enumerate(valid) if not context[i]]
        if own_rows and corpus.unanswered:
            near = corpus.unanswered.nearest(vectors[own_rows])
            unanswered_near = {valid[row]: float(n) for row, n in zip(own_rows, near)}

        answers = []
        # What the articles speak of (an alternative or a second part they answer).
        covered = _covered(corpus.retriever.lexical, corpus.subjects)
        for i, request in enumerate(requests):
            question = queries.get(i, cleaned[i])
            # The subjects it names, a slipped letter mended ("probiotcs" is the articles' word).
            own = []
            if corpus.subjects and i in ranked:
                respelled = corpus.retriever.lexical.respelled(cleaned[i])
                own = corpus.subjects.mentions(respelled)
                # ... or by a name no list holds, in a frame only a thing is asked about in.
                if (
                    not any(not m.in_corpus for m in own)
                    and max((hit.cosine for hit in ranked[i]), default=0.0) < UNLISTED_MAX_COSINE
                    and (name := unlisted_name(respelled, corpus.retriever.lexical.strange))
                ):
                    own.append(Mention(name, False))
                # ... and a part of the body it asks about ("does lupus damage the kidneys?").
                own += [
                    m
                    for m in corpus.subjects.asked_only(respelled)
                    if not m.in_corpus and asks_about(cleaned[i], m.name)
                ]
            unmentioned, selected, in_general = None, [], None
            alone: list[Hit] = []
            # Whose subject a follow-up is about: the previous question's, unless it names a
            # thing of its own in its place ("and supplements?") or points back only at someone
            # ("should she see a doctor?" after "roast chicken, as always").
            about = (
                ""
                if swaps_subject(cleaned[i]) or points_at_a_person_only(cleaned[i])
                else context[i]
            )
            if i in ranked:
                unmentioned, selected = _quotable(corpus, own, about, ranked[i])
            if i in asking_hits:
                # A story first: what answers its asking sentence, read alone with the subjects it
                # names itself, counts as well ("I cut out gluten three weeks ago. Is it normal for
                # this to take longer?" asks how long, not about gluten). Read without the story's
                # subjects, only its best passage joins.
                asked = (
                    corpus.subjects.mentions(corpus.retriever.lexical.respelled(asking[i]))
                    if corpus.subjects
                    else []
                )
                _, also = _quotable(corpus, asked, about, asking_hits[i])
                # Beside a subject the story names and the articles never mention, one that stands
                # alone is answered below the notice, as the rest of the question: after a food or
                # a symptom, any; after a medicine, a condition or a procedure, one the articles
                # are known to answer that asks nothing the treatment conditions ("I take
                # ibuprofen most days. What do the articles say about autoimmunity?", not "How
                # long before I feel better?" after prednisone).
                if unmentioned and also and not unmentioned_mention(asked):
                    incidental = unmentioned.category in TOLD_INCIDENTAL_CATEGORIES
                    if not points_back(asking[i]) and (
                        incidental
                        or (also[0].asked >= ASKED_ALONE and not leans_on_treatment(asking[i]))
                    ):
                        alone = also
                if required(asked) != required(own):
                    also = also[:1]
                selected = _better_of(selected, also)[:MAX_SELECTED]
            if i in borrowed:
                # The follow-up read with what it borrows: its own best answer, if it has one,
                # leads ("and for how long?" alone finds the weeks-and-months passage); the rest
                # by score, each passage with its better reading.
                _, also = _quotable(corpus, own, about, borrowed[i])
                # ... one that says nothing of its own ("really?", "why?") has no best answer
                # of its own: the nearest passage to "really?" alone answers nothing.
                lead = selected[:1] if corpus.retriever.lexical.tokens(spelled[i]) else []
                led = {hit.row for hit in lead}
                rest = [hit for hit in _better_of(selected[1:], also) if hit.row not in led]
                selected = (lead + rest)[:MAX_SELECTED]
            # "Is leaky gut contagious?": what it asks of a subject the articles do speak of,
            # they never say; a passage about leaky gut under it would read as the answer.
            # (A thing it names in passing, never mentioned, keeps its notice.)
            aspect = (
                asked_aspect(cleaned[i], corpus.subjects, covered)
                if corpus.subjects and i in ranked
                else None
            )
            if (
                aspect is None
                and unmentioned is None
                and corpus.subjects
                and i in ranked
                and asks_to_weigh(spelled[i])
            ):
                # "What's the difference between psoriatic and rheumatoid arthritis?": the
                # articles name both, and no passage that names both compares them.
                aspect = _differ_unsaid(
                    spelled[i], corpus.subjects.mentions(spelled[i]) or own, corpus
                )
            if aspect is None and unmentioned is None and i in ranked and not context[i]:
                # "What does NOT cause joint pain?": articles that say what does answer it only
                # where a passage says what does not.
                aspect = negated_unsaid(
                    cleaned[i], (_passage_text(hit) for hit in selected[: self.max_quotes])
                )
            if aspect and (not unmentioned or unmentioned.in_general):
                unmentioned = Mention(
                    aspect.said, False, category="aspects", general_quotes=aspect.rest
                )
            elif aspect and not aspect.rest:
                unmentioned = dataclasses.replace(unmentioned, general_quotes=False)
            if unmentioned and not unmentioned.general_quotes:
                selected = []
            elif unmentioned and _asked_about_unmentioned(
                cleaned[i], own, corpus.retriever.lexical, corpus.subjects
            ):
                # "Is turmeric good for joint inflammation?": nothing the articles say answers
                # it, and a passage about the gut under it would read as if it did. Told as part
                # of a story ("after antibiotics my gut bugs are messed up …"), or beside a
                # subject the articles do mention, the general passages answer the rest.
                selected = []
            # ... and one of two parts: what answers the other part follows the notice.
            rest_answered = False
            if (
                unmentioned
                and unmentioned.general_quotes
                and i in part_hits
                # ... unless it asks what the articles never say ("how do i get tested?")
                and asked_aspect(parts[i], corpus.subjects) is None
                # ... or of the thing they never mention ("what is SIBO and how is it treated")
                and not refers_back(parts[i])
            ):
                _, rest = _quotable(corpus, corpus.subjects.mentions(parts[i]), "", part_hits[i])
                if rest:
                    selected, rest_answered = rest, True
            elif unmentioned and unmentioned.general_quotes and alone:
                selected, rest_answered = alone, True
            elif aspect and aspect.rest and unmentioned and unmentioned.category == "aspects":
                rest_answered = bool(selected)  # "… and what time of day?": the rest
            # "will a probiotic capsule break my fast?": near a question the development sets'
            # writers asked and the articles do not answer, and nearer it than any they answer,
            # what would be quoted only shares its words (bot.retrieval.known_unanswered).
            # ... unless the thing the articles never mention is one of two alternatives ("is
            # it my gut or the rainy weather?"): the general passages answer the other.
            candidates = [*ranked.get(i, ()), *borrowed.get(i, ()), *asking_hits.get(i, ())]
            if (
                i in unanswered_near
                and not (unmentioned and _an_alternative(cleaned[i], unmentioned.name))
                and corpus.unanswered.sets_aside(
                    unanswered_near[i],
                    max((hit.asked for hit in ranked[i]), default=-1.0),
                    [hit.passage for hit in selected],
                )
            ):
                selected, rest_answered = [], False
                # ... but one that asks whether to worry is still told the articles' own advice
                # to see a professional ("my 6 year old keeps getting tummy aches and now says
                # her knees hurt. should I be worried?").
                if _ASKS_TO_WORRY_RE.search(cleaned[i]):
                    selected = self._care(candidates)
            # "should I take him to a doctor?", "Does she need to see someone?": whether to see a
            # professional is answered first by what the articles say about it (a newcomer's
            # trial and the blind sets got the passages of the question before, or nothing).
            # ... however far from it (blind dev128: "Does she need to see someone?" after food
            # at home found the advice too far and got "I could not find a passage").
            if unmentioned is None and _ASKS_TO_SEE_RE.search(cleaned[i]):
                care = self._care(candidates, floor=-1.0)
                cared = {hit.row for hit in care}
                selected = care + [hit for hit in selected if hit.row not in cared]
            if triage[i].raised and triage[i].by_pattern:
                # Under urgent advice for an emergency the message plainly tells, only what the
                # articles say about seeing a professional: any other passage would read as an
                # answer to the emergency ("could my chest pain be leaky gut?" is not answered
                # "It can contribute …"). A message only near an urgent example keeps its
                # quotes under the advice ("what does my body do once the gunk gets into my
                # blood" reads near bleeding), and so does what follows in the chat under the
                # repeated advice (docs/evaluation.md: the blind conversations expect it).
                selected = self._care(candidates)
            elif (
                triage[i].urgent
                and not triage[i].raised
                and set(triage[i].kinds) - {"crisis"}
                and _ASKS_ABOUT_IT_RE.match(cleaned[i])
            ):
                # "is it my gut?", "what should I do?" right after chest pain ask about the
                # emergency: no passage may read as an answer to it (or as a reason to wait); the
                # advice is the answer.
                selected = []
            # A question of its own about someone the articles do not single out is answered
            # from what they say in general; a follow-up that only adds them is told they are
            # not mentioned ("and in kids?").
            whom = answered_in_general(own) if not context[i] else None
            # ... and so is a follow-up about the one the previous question told of ("my 15 year
            # old daughter has crohns …", then "should she go gluten free?"): what the articles
            # say in general is not about her (a newcomer's trial).
            if (
                context[i]
                and unmentioned is None
                and corpus.subjects
                and _OF_SOMEONE_RE.search(cleaned[i])
            ):
                whom = next(
                    (
                        m.name
                        for m in corpus.subjects.mentions(context[i])
                        if not m.in_corpus and m.in_general and m.category == "people"
                    ),
                    None,
                )
            # ... any group it names: "My 8 year old has sore knees. Can kids get leaky gut?"
            # ... whatever else it tells ("Can teenagers get lupus? My daughter is 15 and has a
            # rash on her face")
            groups = (
                [m.name for m in own if not m.in_corpus and m.in_general] if not context[i] else []
            )
            if unmentioned and unmentioned.in_general and unmentioned.name not in groups:
                groups.append(unmentioned.name)
            asked_group = next(
                (g for g in groups if not aspect and asks_whether_they_get(cleaned[i], g, covered)),
                None,
            )
            asks_of_group = asked_group is not None
            if asks_of_group:
                # "Can children get a leaky gut too?", and "can kids get it?" after a question
                # about it: what they say in general is no answer.
                selected = []
                unmentioned = Mention(asked_group, False, category="people", general_quotes=False)
            in_general = whom if selected else None
            if whom and not aspect and not asks_of_group:  # nothing answers it
                unmentioned = None
            categories = [mention.category for mention in own]
            wording = self.texts.in_language(languages[i])
            # Under urgent advice, what to do now; otherwise when to see someone, for the topic.
            # ... and under the chat's urgent advice, "thanks" is still told what to do now.
            escalation = (
                wording.escalation_for(triage[i].kinds)
                or (wording.escalation_for(request.urgent) if talk[i] else None)
                or (
                    choose_escalation(
                        f"{context[i]} {cleaned[i]}", wording.escalation_topics, categories
                    ).text
                    if wording.escalation_topics
                    else None
                )
            )
            # A word of caution leads what the quotes must not seem to settle ("should I stop my
            # methotrexate and try the diet instead?"); under urgent advice, that advice alone.
            # Some stay with the chat for a few minutes ("I'm pregnant", then "what about
            # turmeric?"); one the message's own notice says already is not said twice.
            found: tuple[str, ...] = ()
            if i in ranked:
                # A follow-up that puts something in the place of a medicine it follows ("what
                # about fish oil instead?" after "I take ibuprofen every day") is read with the
                # medicine named.
                swapped = (
                    [m for m in corpus.subjects.mentions(context[i]) if not m.in_corpus]
                    if context[i] and corpus.subjects and _INSTEAD_RE.search(cleaned[i])
                    else []
                )
                found = self.cautions.find(cleaned[i], [*own, *swapped], context[i])
                # ... those kept for follow-ups not when it names a subject of its own in place
                # of the last ("what about lupus, my sister has it" after stopping a medicine),
                # unless it puts it in the treatment's place ("and gluten free instead?").
                follows = bool(context[i]) and (
                    not swaps_subject(cleaned[i]) or bool(_INSTEAD_RE.search(cleaned[i]))
                )
                carried = self.cautions.carried(request.cautions, follow_up=follows)
                found += tuple(c for c in carried if c not in found)
            said = {unmentioned.category} if unmentioned and not request.offset else set()
            shown = (
                tuple(name for name in found if name in wording.cautions and name not in said)
                if not triage[i].raised and "crisis" not in triage[i].kinds
                else ()
            )
            cautions = tuple(wording.cautions[name] for name in shown)
            allowed = self.cautions.quotes(shown)
            if allowed == "care":
                # "Do not stop it", then the healing steps, would read as the swap endorsed; the
                # articles' own advice to see someone backs the caution.
                selected = self._care(candidates)
            elif allowed == "none":  # "how much should I take?": no passage gives a dose
                selected = []
            window = selected[request.offset : request.offset + self.max_quotes]
            # A remark nothing answers, or that only names what the articles never mention
            # ("Wine stays on the menu, non-negotiable 🍷"), is taken note of: no "I could not
            # find a passage", no "the articles do not mention wine". Right after an answer, so
            # is any remark, whatever it speaks of: a reaction, not a question ("Thanks. Off to
            # the GP then.", "not giving up cheese, sorry").
            chatter = reaction = None
            if (
                self.small_talk
                and i in ranked
                and not triage[i].flags
                and not cautions
                and not request.offset
            ):
                group = self.small_talk.tells_the_group(cleaned[i])
                if group is not None:
                    # "Hi all, Marcus, dx'd with RA in March. still a bit overwhelmed": told to
                    # the others, asking nothing; no quotes, whatever it names.
                    chatter, window, unmentioned = group, [], None
                elif not window or (unmentioned is not None and not rest_answered):
                    chatter = self.small_talk.reply_to_remark(cleaned[i], says_something)
                    named = chatter is not None and unmentioned is not None
                    if named and (
                        self.small_talk.remarks(cleaned[i])
                        # "courgettes are going mad this year, anyone want some", not "anyone
                        # tried glucosamine?"
                        or chatter == ASIDE
                        and not _WEIGHS_HEALTH_RE.search(cleaned[i])
                    ):
                        window, unmentioned = [], None
                    # "lunch 12:30? chicken rice", "ok so pizza or thai tonight?": plans for a
                    # meal, the food in them no question of health (blind dev136, dev138).
                    elif (
                        chatter is None
                        and unmentioned is not None
                        and not context[i]  # ("energy drinks?" after what to eat asks of them)
                        and all(m.in_corpus or m.category in _MEALS for m in own)
                        and self.small_talk.makes_plans(
                            without_names(cleaned[i], [m.name for m in own]), lambda _: False
                        )  # (not "energy drinks?": the plan is in the words beside the food)
                        and not self.small_talk.tells_of_health(cleaned[i])
                        and not _WEIGHS_HEALTH_RE.search(cleaned[i])
                    ):
                        chatter, window, unmentioned = ASIDE, [], None
                if (
                    chatter is None
                    and request.after_question
                    and not context[i]
                    and not _WARNING_SIGN_RE.search(cleaned[i])
                ):
                    reaction = self.small_talk.reaction(cleaned[i])
                if (
                    chatter is None
                    and reaction is None
                    and not window
                    and unmentioned is None
                    and not context[i]
                    and not says_something(cleaned[i])
                    and not self.small_talk.tells_of_health(cleaned[i])
                    and not _SEEKS_CARE_RE.search(cleaned[i])
                ):
                    # "gorgeous!! what yarn is that", "can someone review my PR before lunch
                    # pls 🙏": nothing of health, nothing the articles speak of; no "I could not
                    # find a passage", which reads as if the articles might have held it.
                    chatter = OFF_TOPIC
            if reaction is not None:
                chatter, window, unmentioned = reaction, [], None
                # Of a reaction, only a story of health is what a follow-up may ask about next
                # ("I've been gluten free for a year and my joints are still sore", then "what
                # else could be doing it").
                story = reaction == "story" and self.small_talk.tells_of_health(cleaned[i])
                small = talk[i] or ("story" if story else None)
            else:
                small = talk[i] or self._told_only(
                    cleaned[i],
                    context[i],
                    triage[i],
                    cautions,
                    own,
                    i in ranked,
                    bool(request.urgent),
                )
                # ... and so is one a remark's reply tells as a story ("I am 78 years old and my
                # hands are very stiff in the mornings.", then "could my digestion have anything
                # to do with it?": a newcomer's trial found the greeting before it borrowed).
                if (
                    small is None
                    and chatter == "story"
                    and i not in stood_down
                    and self.small_talk.tells_of_health(cleaned[i])
                ):
                    small = "story"
            answer = compose_answer(
                question,
                triage[i],
                wording,
                hits=window,
                problem=problems[i],
                small_talk=small,
                # A few words of a story that tell nothing of health and name nothing ("I
                # like that"), or any story of no health after a question ("he was fine at
                # football on Saturday though"), are no subject for what follows.
                story_speaks=small not in ("told", "story")
                or self.small_talk.tells_of_health(cleaned[i])
                or not request.after_question
                and (
                    len(cleaned[i].split()) > SHORT_STORY_WORDS
                    or bool(corpus.subjects and corpus.subjects.mentions(cleaned[i]))
                ),
                chatter=chatter,
                unmentioned=unmentioned.name if unmentioned else None,
                unmentioned_kind=unmentioned.category if unmentioned else "",
                rest_answered=rest_answered,
                in_general=in_general,
                topics=corpus.topics,
                documents=corpus.documents,
                snapshot=corpus.snapshot,
                escalation=escalation,
                asked=request.text,
                context=request.context,
                cautions=cautions,
                remembered=self.cautions.remembered(found),
                has_more=len(selected) > request.offset + self.max_quotes,
                offset=request.offset,
                max_chars=self.max_chars,
                stood_down=stood_down.get(i),
            )
            # A question nothing answers, asked right after another and not read with it ("What
            # would you suggest I try first?", "how long should I keep going?"): the chat may read
            # it again as a follow-up (blind sets: the writers ask these after a question).
            if (
                answer.status == "no_answer"
                and request.after_question
                and not context[i]
                and not request.offset
                and not answer.urgent
                and not cautions
                and i not in stood_down
                and self.small_talk
                and not self.small_talk.asks_nothing(cleaned[i])
                # ... and names nothing of its own: no subject the articles never mention, no
                # word they never use but the few any question asks with ("how often should I
                # wash my bedsheets?" is no follow-up of joint pain; a code review found it
                # answered with the last topic's quotes).
                and not any(
                    not m.in_corpus
                    for m in (corpus.subjects.mentions(cleaned[i]) if corpus.subjects else ())
                )
                and not set(corpus.retriever.lexical.unknown(cleaned[i])) - _ASKING_WORDS
            ):
                answer = dataclasses.replace(answer, may_follow=True)
            answers.append(answer)
        return answers

    def _care(self, candidates: Sequence[Hit], floor: float | None = None) -> list[Hit]:
        """Of a question's candidates, those that advise seeing a professional and are near
        enough to it, best first, each passage once (its better reading)."""
        floor = self.retriever.further_floor if floor is None else floor
        care = [
            hit
            for hit in _better_of(list(candidates), [])
            if hit.cosine >= floor and self.detector.advises_care(_passage_text(hit))
        ]
        return care[:CARE_QUOTES]


def _quotable(
    corpus: CorpusView, own: list[Mention], context: str, hits: list[Hit]
) -> tuple[Mention | None, list[Hit]]:
    """The subject the articles never mention (if the message names one), and the hits worth
    quoting: relevant enough and, when the message names subjects the corpus mentions,
    speaking of each of them."""
    subjects = corpus.subjects
    if subjects is None:
        return None, corpus.retriever.select(hits)
    # The message's own subjects; a follow-up that names none is about the last one it borrows.
    # Whom it borrowed is not a subject: "she has tummy trouble too" after a question about a
    # daughter is about the tummy trouble.
    # What it borrows is what the last question it continues names, not the story around it: "I
    # take ibuprofen most days. What do the articles say about autoimmunity?", then "could my gut
    # be triggering it?" is not about ibuprofen; "Is ashwagandha good for joint pain? and how
    # long does it take to work?", then "is it safe long term?" is about ashwagandha (the last
    # question that does not point back; bot.answering.stories).
    told = (standing_question(context) or context) if context else ""
    borrowed = [m for m in subjects.mentions(told) if not m.in_general] if told else []
    mentions = own or borrowed[-1:]
    unmentioned = unmentioned_mention(mentions)
    names = required(own)
    if names:
        hits = [
            hit
            for hit in hits
            if all(subjects.speaks_of(_passage_text(hit), name) for name in names)
        ]
    # What is left names what the question names ("is sugar bad for my gut"): evidence enough
    # for a lower bar, unless the question names something else the articles never mention (its
    # general passages keep the usual bar).
    named = bool(names) and unmentioned is None
    return unmentioned, corpus.retriever.select(hits, named=named)


# A sign that a joint needs to be seen ("no fever but theres some swelling in one knee" after
# "how do I know if my joint pain is serious"): told after a question, it is answered, not
# taken as a reaction.
_WARNING_SIGN_RE = re.compile(
    r"\b(?:swelling|swollen|swells|swelled|puffy|fever|feverish|temperature|deformity|deformed|"
    r"misshapen|crooked|red and hot|hot and red|hot to the touch|can'?t walk|cannot walk|"
    r"can'?t bend|locked|giving way|gives way)\b",
    re.IGNORECASE,
)
# "what yarn is that", "which cafe was it": what thing something is, asked of a thing just shown
# or spoken of (bot.answering.pipeline: borrowed only when the articles speak of the thing).
_WHAT_THING_RE = re.compile(
    r"^\W*(?:[\w']+\W+){0,3}?(?:what|which|whose)\s+([a-z]+)\s+(?:is|was|are|were)\s+"
    r"(?:that|this|it|those|these|they)\W*$",
    re.IGNORECASE,
)
# ... but not a word that only asks which of what was said ("what kind is that").
_NO_THING = frozenset(
    {"kind", "kinds", "sort", "sorts", "type", "types", "part", "parts", "one", "ones", "bit",
     "thing", "things", "stuff", "exactly", "else", "percentage", "amount", "age", "stage"}
)  # fmt: skip
# Words of care to seek ("ok thanks. should i go to a&e"): never off the articles' topic.
_SEEKS_CARE_RE = re.compile(
    r"\b(?:a\s*&\s*e|a and e|er|emergency|emergencies|urgent care|hospital|ambulance|paramedics?|"
    r"111|112|911|999|gp|doctor|doctors|doc|nurse|pharmacist|pharmacy|chemist|clinic|walk-in|"
    r"surgery|physio|specialist|consultant|midwife|vet)\b",
    re.IGNORECASE,
)
# Asking whether to worry or to have it seen to.
_ASKS_TO_WORRY_RE = re.compile(
    r"\b(?:should (?:i|we) (?:be )?(?:worried|worry|concerned)|(?:is|could) (?:it|this|that) "
    r"(?:be )?(?:serious|something serious|worrying|something to worry about)|"
    r"(?:see|call|ring|visit) (?:a|the|my|her|his|our) (?:doctor|gp)|get (?:it|this|her|him) "
    r"checked)\b",
    re.IGNORECASE,
)
# Asking whether to have it seen to by someone ("should I take him to a doctor?", "Ought I to have
# someone look at it?", "should I push for a referral or something?").
# Words (as the lexical index reads them) any question may ask with, whatever it is about: a
# question nothing answered that uses no other word the articles lack may be read again after the
# question before it ("What would you suggest I try first?", "how long should I keep going?").
_ASKING_WORDS = frozenset(
    {"tri", "first", "bad", "good", "better", "best", "go", "stuff", "base", "count", "way",
     "differ", "two", "wait", "littl", "larg", "accord", "text", "deal", "bot", "dem", "thing",
     "kind", "sort", "mean", "els", "list", "one", "realli", "actual", "exact", "just", "like",
     "also", "ok", "okay", "start", "next", "instead", "suggest", "recommend", "keep", "long",
     "much", "mani", "often", "soon", "quick", "worth", "safe", "normal", "sure", "true", "right",
     "work", "help", "need", "matter", "point"}
)  # fmt: skip
# The subjects a meal is planned with.
_MEALS = frozenset({"foods_and_diets"})
_ASKS_TO_SEE_RE = re.compile(
    r"\b(?:should|shall|do|does|must|ought|need|needs|worth)\b[^?.!]{0,40}?\b(?:(?:see|seeing|go to|"
    r"go back to|take (?:him|her|them|me|it) to|visit|book|call|ring|ask) (?:a |the |my |his |her |"
    r"their |our |your )?(?:doctor|doctors|gp|doc|physician|specialist|rheumatologist|"
    r"gastroenterologist|professional|someone|somebody)|(?:have|get) (?:it|this|that|them|these|"
    r"him|her|someone|somebody)(?: to)? (?:looked at|checked|seen|look at it)|"
    r"(?:push for|ask for|get|need) (?:a )?referral)\b",
    re.IGNORECASE,
)
# Words that ask whether a thing does any good or harm ("anyone tried glucosamine?", "has
# turmeric helped anyone?"): a question of health, even asked of the others in a group.
_WEIGHS_HEALTH_RE = re.compile(
    r"\b(?:help|helps|helped|helping|good|bad|better|worse|work|works|worked|working|tried|try|"
    r"trying|take|takes|taking|took|safe|worth|recommend|recommends|cure|cures|fix|fixes|heal|"
    r"heals|know if|know whether|heard|effect|effects|side effects?|do for|does for|use|uses|"
    r"used|using|looked at|studied|study|studies|research|researched|evidence)\b",
    re.IGNORECASE,
)
# A word for someone other than the asker ("should she go gluten free?", "what should i feed
# her?").
_OF_SOMEONE_RE = re.compile(r"\b(?:she|her|hers|he|him|his|they|them|their)\b", re.IGNORECASE)


def _an_alternative(message: str, name: str) -> bool:
    """Whether ``name`` stands beside "or" in ``message``: one of two alternatives ("is it my gut
    or the rainy weather?", "can cracking my knuckles or leaky gut cause arthritis?")."""
    words, name = f" {normalise(message)} ", re.escape(normalise(name))
    return bool(
        re.search(rf" or (?:(?:is|it|it's|its|the|a|an|my|just) )*{name} ", words)
        or re.search(rf" {name}(?:e?s)? or ", words)
    )


def _asked_about_unmentioned(
    message: str, own: Sequence[Mention], lexical: LexicalIndex, subjects: SubjectCheck | None
) -> bool:
    """Whether ``message`` asks about a thing the articles never mention and names nothing they
    mention that their quotes must name (a supplement, a food: "are probiotic yoghurts worth
    it?" is answered by what probiotics do; bot.answering.stories.asks_about)."""
    left_out = [m for m in own if not m.in_corpus and not m.in_general]
    clause = asking_clause(message)
    words = f" {normalise(clause)} "
    # ... unless it weighs the two ("is low FODMAP better than gluten free?"), or names only the
    # thing left out where it asks ("trying collagen and zinc. is it ok to do this alongside
    # phototherapy?").
    if (
        required(own)
        and not compares(message)
        and (
            required([m for m in own if f" {normalise(m.name)} " in words])
            or not any(f" {normalise(m.name)} " in words for m in left_out)
        )
    ):
        return False
    names = {normalise(m.name) for m in left_out}
    covered = _covered(lexical, subjects, names)
    # ... in its last asking sentence, or in one before it ("what works better for stress, yoga
    # or meditation? and how often should i do it").
    readings = [message, *asking_sentences(message)[:-1]]
    # Two or more of them in what it asks is a choice among them ("Do I need an MRI or is an
    # X-ray enough?").
    inside = list(dict.fromkeys(normalise(m.name) for m in left_out))
    inside = [name for name in inside if f" {name} " in words]
    if (
        weighs(clause)
        and len(inside) > 1
        and not _SETS_ASIDE_RE.search(words)
        and any(
            re.search(
                rf" {re.escape(x)}(?:e?s)? (?:or|vs|versus) (?:(?:is|are|a|an|the|some) )*"
                rf"{re.escape(y)}",
                words,
            )
            for x in inside
            for y in inside
            if x != y
        )
    ):
        return True
    # A food or a symptom is asked about only in so many words: "how long can pizza sit on the
    # counter?" is answered by what an FAQ says of leftovers; a treatment whatever is asked of it.
    return any(
        asks_about(reading, m.name, covered, any_shape=m.category not in INCIDENTAL_CATEGORIES)
        for reading in readings
        for m in left_out
    )


# Words that set named things aside to ask for something else ("besides yoga and pilates").
_SETS_ASIDE_RE = re.compile(
    r" (?:besides|apart from|other than|beyond|except|aside from|instead of) "
)
# Words of a passage that compares what it names.
_COMPARING_RE = re.compile(
    r"\b(?:differ|differs|different|difference|differences|unlike|whereas|same as|not exactly|"
    r"compared|in contrast|distinguish|better than|worse than)\b",
    re.IGNORECASE,
)


def _differ_unsaid(text: str, own: Sequence[Mention], corpus: CorpusView) -> AskedAspect | None:
    """How two things the articles mention differ, when ``text`` weighs them against each other
    and no passage that names both compares them; None otherwise."""
    named = list(dict.fromkeys(m.name for m in own if m.in_corpus))
    subjects = corpus.subjects
    if len(named) < 2 or not weighs_them(
        text, named, lambda words, name: subjects.speaks_of(words, name, by_last_word=False)
    ):
        return None
    first, second = named[:2]
    for passage in corpus.retriever.index.passages:
        words = " ".join((*passage.headings, passage.text))
        if (
            subjects.speaks_of(words, first, by_last_word=False)
            and subjects.speaks_of(words, second, by_last_word=False)
            and _COMPARING_RE.search(words)
        ):
            return None
    return AskedAspect(f"how {first} and {second} differ")


def _says_something(lexical: LexicalIndex, subjects: SubjectCheck | None) -> Callable[[str], bool]:
    """Whether words speak of what the articles or the subjects file do ("knees", "turmeric"):
    beside small talk, they make a message a question ("ok, turmeric")."""

    def says(words: str) -> bool:
        return lexical.knows(words) or bool(subjects is not None and subjects.mentions(words))

    return says


def _covered(
    lexical: LexicalIndex, subjects: SubjectCheck | None, left_out: set[str] = frozenset()
) -> Callable[[str], bool]:
    """Whether words speak of what the articles speak of, and of no thing they never mention
    (``left_out``, or another: "is there a blood test?")."""

    def covered(words: str) -> bool:
        if not words or any(n and n in words for n in left_out):
            return False
        beside = subjects.mentions(words) if subjects is not None else []
        return lexical.knows(words) and all(m.in_corpus or m.in_general for m in beside)

    return covered


def _better_of(first: list[Hit], second: list[Hit]) -> list[Hit]:
    """Two rankings of one question merged: each passage with its higher-scored hit, by fused score."""
    best: dict[int, Hit] = {}
    for hit in (*first, *second):
        if hit.row not in best or hit.fused > best[hit.row].fused:
            best[hit.row] = hit
    return sorted(best.values(), key=lambda hit: (-hit.fused, -hit.cosine))


def _passage_text(hit: Hit) -> str:
    return " ".join((*hit.passage.headings, hit.passage.text))
