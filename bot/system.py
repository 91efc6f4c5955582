"""The composition root: every part a running quotebot needs, built once, here, from the settings.

Each part is built on first use and then kept, and each can be handed in instead (a test's fake
encoder, a slow answerer): ``System(settings, encoder=FakeEncoder())``. The order is explicit where it
shows to an operator: the index is checked before the model is asked for, so a missing or stale
index is reported without loading (or exporting) the model; the ONNX export, when one has to be
made, is made by an explicit call before any build or answer starts its clock.

A corpus changed since the build does not stop quotebot: the last good index serves what the corpus
still says (quotes checked against each article as it is now), a warning names the files and the
command, and the
`quotebot_index_stale` metric and `quotebot health` say "stale". :meth:`System.watch_index` picks up
an index built beside the running bot, for every channel.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answering.batching import BatchingAnswerer
from bot.answering.cautions import Cautions, load_cautions
from bot.answering.conversation import Conversation
from bot.answering.corpus_view import CorpusView, ServedSources
from bot.answering.fixed_texts import FixedTexts, load_texts
from bot.answering.follow_up import known_reading
from bot.answering.off_topic import OffTopic
from bot.answering.pipeline import AnswerPipeline
from bot.answering.small_talk import SmallTalk, load_small_talk
from bot.answering.subjects import SubjectCheck, load_subjects
from bot.embedding import model as embedding_model
from bot.embedding.encoder import Encoder
from bot.embedding.model import model_fingerprint, model_name, resolve_model, source_fingerprint
from bot.embedding.onnx_encoder import OnnxEncoder
from bot.embedding.onnx_record import export_dir, export_state, read_export
from bot.embedding.thread_pools import one_blas_thread
from bot.embedding.tokens import tokenizer_counter
from bot.errors import FeedbackError, ModelError
from bot.ingest.passages import TokenCounter, approximate_tokens
from bot.ops.metrics import Metrics
from bot.ops.served_index import ServedIndex
from bot.retrieval.corpus_changes import CorpusChanges
from bot.retrieval.index_build import BuildResult, build_index
from bot.retrieval.index_store import PassageIndex, load_index
from bot.retrieval.index_watch import Stamp, manifest_stamp
from bot.retrieval.known_questions import (
    KnownQuestion,
    KnownQuestions,
    load_known_follow_ups,
    load_known_questions,
)
from bot.retrieval.known_unanswered import KnownUnanswered, Unanswered, load_unanswered
from bot.retrieval.lexical import LexicalIndex, load_synonyms
from bot.retrieval.retrieve import MIN_SCORE, Retriever, lexical_texts
from bot.safety.language import LanguageDetector, load_languages
from bot.safety.triage import RedFlagDetector, load_red_flags
from bot.settings import Settings
from bot.telegram.feedback import FeedbackStore, open_feedback
from bot.telegram.inbox import Inbox, open_inbox
from bot.telegram.question_tokens import QuestionTokens
from bot.telegram.rate_limit import RateLimiter
from bot.telegram.services import Services

if TYPE_CHECKING:
    from bot.embedding.multilingual import MultilingualEncoder

log = logging.getLogger(__name__)

WARM_UP_QUESTION = "warm-up question about joint pain"


class System:
    """quotebot's parts for one set of settings: model, index, pipeline, and the bot's services."""

    def __init__(
        self,
        settings: Settings,
        *,
        encoder: Encoder | None = None,
        index: PassageIndex | None = None,
        pipeline: AnswerPipeline | None = None,
        answerer=None,
        metrics: Metrics | None = None,
        inbox: Inbox | None = None,
        known_follow_ups: list[KnownQuestion] | None = None,
        clock: Callable[[], float] = time.monotonic,
        torch_installed: Callable[[], bool] = embedding_model.torch_installed,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.torch_installed = torch_installed
        given = {
            "encoder": encoder,
            "index": index,
            "pipeline": pipeline,
            "answerer": answerer,
            "metrics": metrics,
            "inbox": inbox,
            "known_follow_ups": known_follow_ups,
        }
        # A part handed in takes the place of the one the cached property would build.
        self.__dict__.update({name: part for name, part in given.items() if part is not None})
        self._opened: list = []
        self._served_stamp: Stamp = None  # the manifest of the index loaded at start

    # The model ------------------------------------------------------------------------------

    @cached_property
    def model_name(self) -> str:
        """The configured model's canonical name (what an index records)."""
        return model_name(self.settings.embedding_model)

    @cached_property
    def fingerprint(self) -> str:
        """The configured model's fingerprint, from its files or its export, without loading it."""
        if "encoder" in self.__dict__:
            return self.encoder.fingerprint
        if self.settings.embedding_backend == "onnx":
            source = source_fingerprint(self.model_name)
            if source is not None:
                return source
            record = read_export(export_dir(self.settings.models_dir, self.model_name))
            if record is not None:  # the container: the export without the model files
                return record.fingerprint
        return model_fingerprint(resolve_model(self.model_name))

    @cached_property
    def encoder(self) -> Encoder:
        """The configured model on the configured backend; under ONNX, its export made if missing."""
        if self.settings.embedding_backend == "torch":
            from bot.embedding.torch_encoder import SentenceTransformerEncoder

            return SentenceTransformerEncoder(resolve_model(self.model_name))
        return OnnxEncoder(self.prepare_onnx_export())

    def prepare_onnx_export(self) -> Path:
        """The directory of an export that serves the configured model: made now if there is none
        or the model files changed (needs torch), else a ModelError that says how to make it."""
        cache = self.settings.models_dir
        directory = export_dir(cache, self.model_name)
        state = export_state(directory, self.model_name)
        if state == "current":
            return directory
        why = "there is none yet" if state == "missing" else "the model files have changed"
        if not self.torch_installed():
            raise ModelError(
                f"EMBEDDING_BACKEND=onnx needs an ONNX export of {self.model_name!r} in "
                f"{directory} ({why}); run `quotebot model export` (it needs "
                "`pip install 'quotebot[torch]'`), or set EMBEDDING_BACKEND=torch."
            )
        from bot.embedding.onnx_export import export_model

        log.info("Exporting the embedding model to ONNX (%s); this happens once.", why)
        export_model(self.model_name, cache)
        return directory

    @cached_property
    def token_counter(self) -> TokenCounter:
        """Word pieces as the model counts them, from its tokenizer on disk; an estimate without one."""
        if "encoder" in self.__dict__:
            return self.encoder.count_tokens
        try:
            spec = resolve_model(self.model_name)
        except ModelError:
            spec = None
        if spec is not None and spec.path and (spec.path / "tokenizer.json").is_file():
            return tokenizer_counter(spec.path / "tokenizer.json")
        directory = export_dir(self.settings.models_dir, self.model_name)
        if read_export(directory) is not None:
            return tokenizer_counter(directory / "tokenizer.json")
        return approximate_tokens

    def is_word(self, word: str) -> bool:
        """Whether the model reads ``word`` as one word piece: a word the language has, not a
        misspelling."""
        return self.token_counter(word) == 1

    # The index ------------------------------------------------------------------------------

    @cached_property
    def index(self) -> PassageIndex:
        """The index, checked against the model and, passage by passage, against the corpus text
        it was built from (a clear error names the fix). A corpus changed since the build does
        not stop it: a warning names the changed files and the command to run."""
        self._served_stamp = manifest_stamp(self.settings.index_dir)
        index = self._load_index()
        self.served_index.check_corpus(index)
        return index

    def _load_index(self) -> PassageIndex:
        return load_index(
            self.settings.index_dir,
            corpus_dir=None,
            fingerprint=self.fingerprint,
            model_name=self.model_name,
            max_file_bytes=self.settings.corpus_max_file_bytes,
        )

    @cached_property
    def served_index(self) -> ServedIndex:
        """Whether the corpus has moved on since the served index was built, and its hot swap."""
        settings = self.settings
        return ServedIndex(
            settings.corpus_dir,
            settings.data_dir,
            self.metrics,
            max_file_bytes=settings.corpus_max_file_bytes,
        )

    def check_corpus(self) -> CorpusChanges:
        """How the corpus differs from what the served index was built from (said once per change)."""
        return self.served_index.check_corpus(self.pipeline.corpus.retriever.index)

    def build_index(self, *, force: bool = False, progress: bool = False) -> BuildResult:
        """Rebuild the index of the configured corpus unless it is up to date (or ``force``)."""
        encoder = self.encoder  # an ONNX export is made now, before the build's clock starts
        return build_index(
            self.settings.corpus_dir,
            self.settings.index_dir,
            encoder,
            force=force,
            progress=progress,
            max_file_bytes=self.settings.corpus_max_file_bytes,
        )

    def watch_index(self, interval: float | None = None) -> None:
        """Serve an index built beside the running bot without a restart, in every channel: every
        ``interval`` seconds (INDEX_POLL_SECONDS) look at the manifest, load and check a new one in
        the background, and swap it in between batches; a bad one is refused with a warning."""
        interval = self.settings.index_poll_seconds if interval is None else interval
        watcher = self.served_index.watch(
            self.pipeline,  # first: the index is loaded, and its manifest stamped
            self.settings.index_dir,
            self._load_index,
            self.corpus_view,
            served=self._served_stamp,
            interval=interval,
        )
        if watcher is not None:
            self._opened.append(watcher)

    # Answering ------------------------------------------------------------------------------

    @cached_property
    def texts(self) -> FixedTexts:
        if "pipeline" in self.__dict__:
            return self.pipeline.texts
        return load_texts(self.settings.texts_file)

    @cached_property
    def languages(self) -> LanguageDetector:
        return load_languages()

    @cached_property
    def multilingual(self) -> MultilingualEncoder | None:
        """The multilingual model (loaded on first use), or None where it is turned off."""
        if not self.settings.multilingual_triage:
            return None
        from bot.embedding.multilingual import MultilingualEncoder

        return MultilingualEncoder()

    @cached_property
    def detector(self) -> RedFlagDetector:
        return load_red_flags(
            self.settings.red_flags_file,
            self.encoder,
            multilingual=self.multilingual,
            languages=self.languages.codes,
            cache_dir=self.settings.models_dir,
        )

    @cached_property
    def known_questions(self) -> list[KnownQuestion]:
        return load_known_questions()

    @cached_property
    def known_follow_ups(self) -> list[KnownQuestion]:
        """The development conversations' follow-ups, each as read with what it borrowed."""
        return [
            KnownQuestion(known_reading(f.text, f.after, self.small_talk), f.answers)
            for f in load_known_follow_ups()
        ]

    @cached_property
    def unanswered(self) -> Unanswered:
        return load_unanswered()

    @cached_property
    def small_talk(self) -> SmallTalk:
        return load_small_talk(self.settings.small_talk_file)

    @cached_property
    def cautions(self) -> Cautions:
        return load_cautions(self.settings.cautions_file, known_ids=tuple(self.texts.cautions))

    def subjects_of(self, index: PassageIndex) -> SubjectCheck:
        """The named subjects, checked against what the indexed corpus says."""
        return load_subjects(
            [" ".join((p.title, *p.headings, p.text)) for p in index.passages],
            self.settings.subjects_file,
        )

    def corpus_view(self, index: PassageIndex) -> CorpusView:
        """What the pipeline answers from for one checked index: retriever, sources, subjects."""
        threshold = self.settings.relevance_threshold
        retriever = Retriever(
            index,
            LexicalIndex(
                lexical_texts(index.passages),
                load_synonyms(self.settings.synonyms_file),
                is_word=self.is_word,
            ),
            min_score=MIN_SCORE if threshold is None else threshold,
            known=KnownQuestions(
                self.known_questions, index.passages, self.encoder, self.settings.models_dir
            ),
            follow_ups=KnownQuestions(
                self.known_follow_ups, index.passages, self.encoder, self.settings.models_dir
            ),
        )
        unanswered = KnownUnanswered(
            self.unanswered, index.manifest.corpus_files, self.encoder, self.settings.models_dir
        )
        view = CorpusView(
            retriever, index.manifest.documents, self.subjects_of(index), unanswered=unanswered
        )
        return view.checked_against(self.served_index.check_corpus(index))

    @cached_property
    def pipeline(self) -> AnswerPipeline:
        """The answering pipeline over the checked index."""
        view = self.corpus_view(self.index)  # first: a missing index is reported before the model
        one_blas_thread()  # numpy's and FAISS's, both loaded by now
        pipeline = AnswerPipeline(
            self.encoder,
            view.retriever,
            self.detector,
            self.texts,
            sources=view.sources,
            small_talk=self.small_talk,
            subjects=view.subjects,
            cautions=self.cautions,
            max_quotes=self.settings.max_quotes,
            languages=self.languages,
            off_topic=OffTopic(self.multilingual) if self.multilingual is not None else None,
        )
        pipeline.swap(view)  # with its quotes checked against the corpus as it is now
        return pipeline

    def warm_up(self) -> None:
        """Load the models and the red-flag examples now, not on the first user's time."""
        self.pipeline.answer_batch([WARM_UP_QUESTION])
        self.pipeline.detector.warm_up()
        self._opened.append(self.pipeline.detector)  # its background warm-up stops on close

    @cached_property
    def conversation(self) -> Conversation:
        return Conversation(ttl=self.settings.followup_ttl_seconds, clock=self.clock)

    @cached_property
    def answerer(self) -> BatchingAnswerer:
        """The pipeline behind micro-batching, for concurrent questions."""
        return BatchingAnswerer(self.pipeline)

    # The Telegram bot's services ------------------------------------------------------------

    @cached_property
    def metrics(self) -> Metrics:
        return Metrics()

    def open_inbox(self) -> Inbox:
        """Where updates wait until answered: DATA_DIR/inbox.sqlite3 (in memory if it cannot be),
        or the inbox handed in. The services close it, so each run of the bot opens its own."""
        if "inbox" in self.__dict__:
            return self.__dict__["inbox"]
        inbox = open_inbox(self.settings.data_dir)
        self._opened.append(inbox)
        return inbox

    def telegram_services(self) -> Services:
        """Everything the Telegram handlers use; the Application closes it on shutdown."""
        settings = self.settings
        feedback = self.open_feedback()
        # Rating buttons are sealed with a key from the salt, so that they outlive a restart.
        button_key = feedback.button_key() if feedback is not None else secrets.token_bytes(32)
        return Services(
            answerer=self.answerer,
            texts=self.texts,
            conversation=self.conversation,
            tokens=QuestionTokens(clock=self.clock),
            limiter=RateLimiter(settings.rate_limit_per_minute, 60.0, clock=self.clock),
            feedback=feedback,
            sources=ServedSources(self.pipeline),
            metrics=self.metrics,
            inbox=self.open_inbox(),
            button_key=button_key,
        )

    def open_feedback(self) -> FeedbackStore | None:
        """The feedback store, or None with a one-line warning when the data folder cannot be
        used: feedback is optional, answering is not (FEEDBACK_SALT_FILE set wrong is an error)."""
        settings = self.settings
        try:
            feedback = open_feedback(
                settings.data_dir,
                salt=settings.feedback_salt.get_secret_value() if settings.feedback_salt else None,
                salt_file=settings.feedback_salt_file,
            )
        except FeedbackError as exc:
            log.warning("Feedback is off, rating buttons are not shown: %s", exc)
            return None
        self._opened.append(feedback)
        return feedback

    def close(self) -> None:
        """Close what this system opened (the Telegram Application also does, on shutdown)."""
        while self._opened:
            self._opened.pop().close()
