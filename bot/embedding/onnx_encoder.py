"""The embedding model served by onnxruntime from a local export: no torch, no model files.

Vectors match the torch backend's (cosine ≥ 0.9999), so an index built by either serves both.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.embedding.model import is_bundled
from bot.embedding.onnx_record import (
    MODEL_FILE,
    TOKENIZER_FILE,
    damaged_export,
    export_dir,
    read_export,
    source_fingerprint,
)
from bot.errors import ModelError
from bot.settings import BUNDLED_MODEL

log = logging.getLogger(__name__)


class OnnxEncoder:
    """The embedding model served by onnxruntime from a local export (made on first use if needed)."""

    backend = "onnx"

    def __init__(
        self,
        model_name: str,
        cache_dir: Path,
        *,
        batch_size: int = 16,
        auto_export: bool = True,
        directory: Path | None = None,
    ) -> None:
        self.name = resolve_name(model_name)
        self.model_name = model_name
        self.cache_dir = cache_dir
        self.directory = directory or export_dir(cache_dir, model_name)
        self.batch_size = batch_size
        self.auto_export = auto_export
        self._record: dict | None = None
        self._session = None
        self._tokenizer = None
        self._counter = None
        self._lock = threading.Lock()

    @classmethod
    def from_directory(cls, directory: Path) -> OnnxEncoder:
        """An encoder over an export directory as it is (no export, no check against the source)."""
        record = read_export(directory)
        if record is None:
            raise ModelError(f"There is no ONNX export in {directory}.")
        encoder = cls(record["model"], directory.parent, auto_export=False, directory=directory)
        encoder._record = record
        return encoder

    # The export -----------------------------------------------------------------------------

    @property
    def record(self) -> dict:
        """The export's record, after making sure the export exists and fits the model files."""
        if self._record is None:
            with self._lock:
                if self._record is None:
                    self._record = self._current_export()
        return self._record

    def _current_export(self) -> dict:
        record = read_export(self.directory)
        source = source_fingerprint(self.model_name)
        if record is not None and (source is None or record["fingerprint"] == source):
            return record
        why = "there is none yet" if record is None else "the model files have changed"
        from bot.embedding.onnx_export import export_model, torch_available

        if not self.auto_export or not torch_available():
            raise ModelError(
                f"EMBEDDING_BACKEND=onnx needs an ONNX export of {self.model_name!r} in "
                f"{self.directory} ({why}); run `quotebot model export` (it needs "
                "`pip install 'quotebot[torch]'`), or set EMBEDDING_BACKEND=torch."
            )
        log.info("Exporting the embedding model to ONNX (%s); this happens once.", why)
        return export_model(self.model_name, self.cache_dir)

    @property
    def fingerprint(self) -> str:
        """The fingerprint of the model files the export came from (as the torch backend's)."""
        return self.record["fingerprint"]

    @property
    def dimension(self) -> int:
        return int(self.record["dimension"])

    @property
    def max_seq_length(self) -> int:
        return int(self.record["max_seq_length"])

    # Serving --------------------------------------------------------------------------------

    def load(self) -> None:
        """Open the ONNX session and the tokenizer now rather than on the first question."""
        self._loaded()

    def _loaded(self):
        if self._session is None:
            record = self.record
            with self._lock:
                if self._session is None:
                    self._tokenizer = self._load_tokenizer(truncate=record["max_seq_length"])
                    self._session = self._open_session()
        return self._session, self._tokenizer

    def _open_session(self):
        try:
            import onnxruntime
        except ImportError:
            raise ModelError(
                "EMBEDDING_BACKEND=onnx needs onnxruntime: run `pip install onnxruntime`."
            ) from None
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only
        options.inter_op_num_threads = 1
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
        prepared = [text.lower() for text in texts] if record["do_lower_case"] else list(texts)
        encodings = tokenizer.encode_batch(prepared)
        order = np.argsort([-len(encoding.ids) for encoding in encodings], kind="stable")
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        done = 0
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            feeds = _feeds([encodings[row] for row in rows], record["inputs"])
            vectors[rows] = session.run(None, feeds)[0]
            done += len(rows)
            if progress:
                _report_progress(done, len(texts))
        return vectors

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text``, special tokens excluded, before truncation."""
        if self._counter is None:
            self.record  # noqa: B018 - the export must exist for its tokenizer
            self._counter = self._load_tokenizer(truncate=None)
        return len(self._counter.encode(text, add_special_tokens=False).ids)


def resolve_name(model_name: str) -> str:
    """The name an index records for the model (the bundled model's canonical name)."""
    if is_bundled(model_name):
        return BUNDLED_MODEL
    path = Path(model_name).expanduser()
    return str(path) if path.exists() else model_name


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
