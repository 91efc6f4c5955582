"""Assemble quotebot's parts from the settings (the one place that knows which concrete parts to use)."""

from __future__ import annotations

from bot.embedding import SentenceTransformerEncoder, model_fingerprint, resolve_model
from bot.passages import TokenCounter, approximate_tokens
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
