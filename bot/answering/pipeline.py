"""From message to Answer: clean, triage red flags, retrieve, compose. Batch first.

``answer_batch`` encodes all questions of a batch in one model call and shares each vector between
the semantic red-flag layer and dense retrieval; ``answer`` is a batch of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.answering.answer import Answer
from bot.answering.compose import compose_answer
from bot.answering.fixed_texts import FixedTexts
from bot.answering.inputs import MAX_QUESTION_CHARS, clean_message, input_problem
from bot.answering.triage import RedFlagDetector
from bot.embedding.encoder import Encoder
from bot.ingest.corpus import SourceDocument
from bot.retrieval.retrieve import Hit, Retriever

DEFAULT_MAX_QUOTES = 3


@dataclass(frozen=True)
class Request:
    """One question to answer; ``offset`` skips passages already shown ("More passages")."""

    text: str
    offset: int = 0


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
        max_quotes: int = DEFAULT_MAX_QUOTES,
        max_chars: int = MAX_QUESTION_CHARS,
    ) -> None:
        self.encoder = encoder
        self.retriever = retriever
        self.detector = detector
        self.texts = texts
        self.sources = tuple(sources)  # the articles the index quotes
        self.topics = tuple(document.title for document in self.sources)
        self.max_quotes = max_quotes
        self.max_chars = max_chars

    def answer(self, question: str, *, offset: int = 0) -> Answer:
        return self.answer_batch([Request(question, offset)])[0]

    def answer_batch(self, requests: Sequence[Request | str]) -> list[Answer]:
        requests = [r if isinstance(r, Request) else Request(r) for r in requests]
        cleaned = [clean_message(r.text) for r in requests]
        problems = [input_problem(text, self.max_chars) for text in cleaned]
        valid = [i for i, problem in enumerate(problems) if problem is None]
        vectors = self.encoder.encode([cleaned[i] for i in valid]) if valid else None

        # Safety first, on every message, whatever else is wrong with it: both layers where there
        # is a vector, the lexicon alone on messages not fit to encode (empty, too long, …).
        triage = [None] * len(requests)
        rest = sorted(set(range(len(requests))) - set(valid))
        for indices, vectors_or_none in ((valid, vectors), (rest, None)):
            if indices:
                verdicts = self.detector.check_batch([cleaned[i] for i in indices], vectors_or_none)
                for i, verdict in zip(indices, verdicts):
                    triage[i] = verdict

        ranked: dict[int, list[Hit]] = {}
        if vectors is not None:
            for i, hits in zip(
                valid, self.retriever.rank_batch([cleaned[i] for i in valid], vectors)
            ):
                ranked[i] = self.retriever.select(hits)

        answers = []
        for i, request in enumerate(requests):
            selected = ranked.get(i, [])
            window = selected[request.offset : request.offset + self.max_quotes]
            answers.append(
                compose_answer(
                    cleaned[i],
                    triage[i],
                    self.texts,
                    hits=window,
                    problem=problems[i],
                    topics=self.topics,
                    has_more=len(selected) > request.offset + self.max_quotes,
                    offset=request.offset,
                    max_chars=self.max_chars,
                )
            )
        return answers
