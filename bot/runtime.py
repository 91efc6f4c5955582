"""Assemble quotebot's parts from the settings (the one place that knows which concrete parts to use)."""

from __future__ import annotations

from bot.embedding import SentenceTransformerEncoder, model_fingerprint, resolve_model
from bot.fixed_texts import load_texts
from bot.index import load_index
from bot.passages import TokenCounter, approximate_tokens
from bot.pipeline import AnswerPipeline
from bot.retrieve import MIN_SCORE, Retriever
from bot.safety import load_red_flags
from bot.settings import Settings


def make_encoder(settings: Settings) -> SentenceTransformerEncoder:
    """The configured embedding model (loaded on first use)."""
    return SentenceTransformerEncoder(resolve_model(settings.embedding_model))


def configured_fingerprint(settings: Settings) -> str:
    """The fingerprint of the configured model, without loading it."""
    return model_fingerprint(resolve_model(settings.embedding_model))


def make_token_counter(settings: Settings) -> TokenCounter:
    """The model's own word-piece count when its tokenizer is on disk, an estimate otherwise."""
    encoder = make_encoder(settings)
    return encoder.count_tokens if encoder.spec.is_local else approximate_tokens


def make_pipeline(settings: Settings, encoder=None) -> AnswerPipeline:
    """The answering pipeline over the checked index; raises a clear error if the index cannot serve."""
    encoder = encoder or make_encoder(settings)
    index = load_index(
        settings.index_dir,
        corpus_dir=settings.corpus_dir,
        fingerprint=encoder.fingerprint,
        model_name=settings.embedding_model,
    )
    threshold = settings.relevance_threshold
    retriever = Retriever(index, min_score=MIN_SCORE if threshold is None else threshold)
    return AnswerPipeline(
        encoder,
        retriever,
        load_red_flags(settings.red_flags_file, encoder),
        load_texts(settings.texts_file),
        sources=index.manifest["corpus"]["documents"],
        max_quotes=settings.max_quotes,
    )
