"""The embedding model served by onnxruntime from a local export: no torch, no model files.

Vectors match the torch backend's (cosine ≥ 0.9999), so an index built by either serves both.
Nothing here exports: the composition root (:mod:`bot.system`) makes a missing export first.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.embedding.onnx_record import (
    MODEL_FILE,
    TOKENIZER_FILE,
    ExportRecord,
    damaged_export,
    read_export,
)
from bot.errors import ModelError


class OnnxEncoder:
    """The embedding model under onnxruntime, served from the export in ``directory``."""

    backend = "onnx"

    def __init__(self, directory: Path, *, batch_size: int = 16) -> None:
        record = read_export(directory)
        if record is None:
            raise ModelError(
                f"There is no ONNX export in {directory}; run `quotebot model export`."
            )
        self.directory = directory
        self.record: ExportRecord = record
        self.name = record.model
        self.batch_size = batch_size
        self._session = None
        self._tokenizer = None
        self._counter = None
        self._lock = threading.Lock()

    @property
    def fingerprint(self) -> str:
        """The fingerprint of the model files the export came from (as the torch backend's)."""
        return self.record.fingerprint

    @property
    def dimension(self) -> int:
        return self.record.dimension

    @property
    def max_seq_length(self) -> int:
        return self.record.max_seq_length

    # Serving --------------------------------------------------------------------------------

    def load(self) -> None:
        """Open the ONNX session and the tokenizer now rather than on the first question."""
        self._loaded()

    def _loaded(self):
        if self._session is None:
            with self._lock:
                if self._session is None:
                    self._tokenizer = self._load_tokenizer(truncate=self.record.max_seq_length)
                    self._session = self._open_session()
        return self._session, self._tokenizer

    def _open_session(self):
        try:
            import onnxruntime
        except ImportError as exc:
            raise ModelError(
                "EMBEDDING_BACKEND=onnx needs onnxruntime: run `pip install onnxruntime`."
            ) from exc
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only
        options.inter_op_num_threads = 1
        # The pool's threads stop spinning once a call returns. Left spinning, they hold both cores
        # while the rest of the answer runs (ranking, triage, composing): that work took twice as
        # long, and the next model call too (docs/performance.md).
        options.add_session_config_entry("session.force_spinning_stop", "1")
        try:
            return onnxruntime.InferenceSession(
                str(self.directory / MODEL_FILE), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own exception types for a bad file
            raise damaged_export(self.directory, str(exc).splitlines()[0][:120]) from exc

    def _load_tokenizer(self, truncate: int | None):
        from tokenizers import Tokenizer

        try:
            tokenizer = Tokenizer.from_file(str(self.directory / TOKENIZER_FILE))
        except Exception as exc:  # tokenizers raises a bare Exception for a bad file
            raise damaged_export(self.directory, f"{TOKENIZER_FILE}: {exc}") from exc
        tokenizer.no_padding()
        if truncate is None:
            tokenizer.no_truncation()
        else:
            tokenizer.enable_truncation(max_length=truncate)
        return tokenizer

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text.

        Texts are tokenised at once, sorted by length and run in batches padded only to their own
        longest text, as sentence-transformers does.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        session, tokenizer = self._loaded()
        record = self.record
        prepared = [text.lower() for text in texts] if record.do_lower_case else list(texts)
        encodings = tokenizer.encode_batch(prepared)
        order = np.argsort([-len(encoding.ids) for encoding in encodings], kind="stable")
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        done = 0
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            feeds = _feeds([encodings[row] for row in rows], record.inputs)
            vectors[rows] = session.run(None, feeds)[0]
            done += len(rows)
            if progress:
                _report_progress(done, len(texts))
        return vectors

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text``, special tokens excluded, before truncation."""
        if self._counter is None:
            self._counter = self._load_tokenizer(truncate=None)
        return len(self._counter.encode(text, add_special_tokens=False).ids)


def _feeds(encodings, inputs: Sequence[str]) -> dict[str, np.ndarray]:
    width = max(len(encoding.ids) for encoding in encodings)
    arrays = {name: np.zeros((len(encodings), width), dtype=np.int64) for name in inputs}
    for row, encoding in enumerate(encodings):
        length = len(encoding.ids)
        arrays["input_ids"][row, :length] = encoding.ids
        arrays["attention_mask"][row, :length] = 1
        if "token_type_ids" in arrays:
            arrays["token_type_ids"][row, :length] = encoding.type_ids
    return arrays


def _report_progress(done: int, total: int) -> None:
    import sys

    end = "\n" if done == total else ""
    print(f"\rEmbedding passages: {done}/{total}", end=end, file=sys.stderr, flush=True)
