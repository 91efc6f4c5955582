"""Assemble quotebot's parts from the settings (the one place that knows which concrete parts to use)."""

from __future__ import annotations

from bot.answering.fixed_texts import load_texts
from bot.answering.pipeline import AnswerPipeline
from bot.answering.triage import load_red_flags
from bot.embedding.encoder import Encoder
from bot.embedding.model import model_fingerprint, resolve_model
from bot.embedding.onnx_encoder import OnnxEncoder
from bot.embedding.onnx_record import export_dir, read_export, source_fingerprint
from bot.embedding.torch_encoder import SentenceTransformerEncoder
from bot.errors import ModelError
from bot.ingest.passages import TokenCounter, approximate_tokens
from bot.retrieval.index_store import load_index
from bot.retrieval.retrieve import MIN_SCORE, Retriever
from bot.settings import Settings


def make_encoder(settings: Settings) -> Encoder:
    """The configured embedding model on the configured backend (loaded on first use)."""
    if settings.embedding_backend == "torch":
        return SentenceTransformerEncoder(resolve_model(settings.embedding_model))
    return OnnxEncoder(settings.embedding_model, settings.models_dir)


def configured_fingerprint(settings: Settings) -> str:
    """The fingerprint of the configured model, without loading it.

    Under ONNX, a process without the model files (the container) takes it from the export.
    """
    if settings.embedding_backend == "onnx":
        source = source_fingerprint(settings.embedding_model)
        if source is not None:
            return source
        record = read_export(export_dir(settings.models_dir, settings.embedding_model))
        if record is not None:
            return record["fingerprint"]
    return model_fingerprint(resolve_model(settings.embedding_model))


def make_token_counter(settings: Settings) -> TokenCounter:
    """The model's own word-piece count when its tokenizer is on disk, an estimate otherwise."""
    try:
        spec = resolve_model(settings.embedding_model)
    except ModelError:
        spec = None
    if spec is not None and spec.is_local:
        return SentenceTransformerEncoder(spec).count_tokens  # tokenizer.json only, no torch
    directory = export_dir(settings.models_dir, settings.embedding_model)
    if read_export(directory) is not None:
        return OnnxEncoder.from_directory(directory).count_tokens
    return approximate_tokens


def make_pipeline(settings: Settings, encoder=None) -> AnswerPipeline:
    """The answering pipeline over the checked index; raises a clear error if the index cannot serve."""
    # The index is checked first, against the model files: a missing index is reported before
    # an ONNX export is made or the model is loaded.
    fingerprint = encoder.fingerprint if encoder else configured_fingerprint(settings)
    encoder = encoder or make_encoder(settings)
    index = load_index(
        settings.index_dir,
        corpus_dir=settings.corpus_dir,
        fingerprint=fingerprint,
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
