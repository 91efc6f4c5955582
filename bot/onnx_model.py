"""The embedding model under onnxruntime: a local export, and the encoder that serves from it.

The export is made once from the sentence-transformers model (``quotebot model export``, or
automatically the first time it is needed when torch is installed). It runs the whole model —
transformer, pooling and normalisation — in one ONNX graph, and is checked against the torch
model's own vectors before it is kept. An export directory holds everything serving needs::

    <MODEL_CACHE_DIR>/<model>/model.onnx       the graph and weights
                             /tokenizer.json   the model's tokenizer
                             /export.json      which model files it came from, and its check

so a process serving from it needs neither torch nor sentence-transformers (nor the model files).
Vectors match the torch backend's (cosine ≥ 0.9999), so an index built by either serves both.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from bot.embedding import (
    SentenceTransformerEncoder,
    is_bundled,
    model_fingerprint,
    resolve_model,
)
from bot.errors import ModelError
from bot.settings import BUNDLED_MODEL

log = logging.getLogger(__name__)

EXPORT_FORMAT = 1
OPSET = 17
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
EXPORT_FILE = "export.json"
# The least cosine between an export's vectors and torch's on the check texts for it to be kept.
MIN_CHECK_COSINE = 0.9999
# Short, long (past the model's 256 word pieces), padded, empty, non-Latin and emoji texts.
CHECK_TEXTS = (
    "What helps with leaky gut?",
    "joint pain",
    "",
    "Morning stiffness in the hands that lasts more than an hour can be a sign of inflammatory "
    "arthritis, which is different from the wear-and-tear kind.",
    "Gluten, dairy and sugar are often named as triggers; an elimination diet tests one at a time. "
    * 30,
    "Bauchschmerzen nach dem Essen — was kann ich tun?",
    "腸の健康を改善する方法は？ 🙂",
    "  spaces   around  ",
)


def export_dir(cache_dir: Path, model_name: str) -> Path:
    """Where the export of ``model_name`` lives: one directory per configured model."""
    if is_bundled(model_name):
        return cache_dir / "all-MiniLM-L6-v2"
    path = Path(model_name).expanduser()
    if path.exists():
        digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
        return cache_dir / f"{_slug(path.resolve().name)}-{digest}"
    return cache_dir / _slug(model_name.replace("/", "--"))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "model"


def read_export(directory: Path) -> dict | None:
    """The export's record, or None when there is none; a damaged export raises ModelError."""
    record_file = directory / EXPORT_FILE
    if not record_file.exists():
        return None
    try:
        record = json.loads(record_file.read_text(encoding="utf-8"))
        model_size = (directory / MODEL_FILE).stat().st_size
        tokenizer_ok = (directory / TOKENIZER_FILE).is_file()
    except (OSError, ValueError) as exc:
        raise _damaged(directory, type(exc).__name__) from exc
    if not isinstance(record, dict) or record.get("format") != EXPORT_FORMAT:
        raise _damaged(directory, "unknown export format")
    if model_size != record.get("model_bytes") or not tokenizer_ok:
        raise _damaged(directory, f"{MODEL_FILE} or {TOKENIZER_FILE} does not match {EXPORT_FILE}")
    return record


def _damaged(directory: Path, reason: str) -> ModelError:
    return ModelError(
        f"The ONNX export in {directory} is damaged ({reason}); "
        "run `quotebot model export` to make it again."
    )


def source_fingerprint(model_name: str) -> str | None:
    """The configured model files' fingerprint, or None when they are not on this machine."""
    try:
        fingerprint = model_fingerprint(resolve_model(model_name))
    except ModelError:
        return None
    return None if fingerprint.startswith("name:") else fingerprint


def torch_available() -> bool:
    """Whether this environment can export (the ``torch`` extra: torch, sentence-transformers, onnx)."""
    import importlib.util

    return all(
        importlib.util.find_spec(name) is not None
        for name in ("torch", "sentence_transformers", "onnx")
    )


def export_model(model_name: str, cache_dir: Path) -> dict:
    """Export ``model_name`` to ONNX in ``cache_dir``, check it against torch, and keep it atomically.

    Returns the export's record. Needs the ``torch`` extra; raises ModelError with what to do
    when it is missing or when the export does not reproduce the model's vectors.
    """
    if not torch_available():
        raise ModelError(
            f"Exporting {model_name!r} to ONNX needs torch, sentence-transformers and onnx: "
            "run `pip install 'quotebot[torch]'`, or set EMBEDDING_BACKEND=torch."
        )
    spec = resolve_model(model_name)
    target = export_dir(cache_dir, model_name)
    cache_dir.mkdir(parents=True, exist_ok=True)
    with _export_lock(cache_dir):
        reference = SentenceTransformerEncoder(spec)
        model = reference.model  # loads it (and a hub model's files, on first use)
        fingerprint = model_fingerprint(spec)  # after loading: a hub model's files are cached now
        work = Path(tempfile.mkdtemp(prefix=".export-", dir=cache_dir))
        work.chmod(0o755)  # mkdtemp's 0700 would hide it from a service user (the container's)
        try:
            record = _write_export(model, reference, work, model_name, fingerprint)
            if target.exists():
                shutil.rmtree(target)
            os.replace(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    log.info(
        "Exported %s to ONNX in %s (check: min cosine %.6f over %d texts).",
        model_name,
        target,
        record["check"]["min_cosine"],
        record["check"]["texts"],
    )
    return record


@contextlib.contextmanager
def _export_lock(cache_dir: Path) -> Iterator[None]:
    import fcntl

    with (cache_dir / ".export.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_export(
    model, reference: SentenceTransformerEncoder, work: Path, name: str, fingerprint: str
) -> dict:
    import onnx
    import torch

    # `preprocess` in sentence-transformers 6, `tokenize` before it.
    tokenize = getattr(model, "preprocess", None) or model.tokenize
    sample = tokenize(["export sample", "a slightly longer export sample"])
    inputs = [key for key in ("input_ids", "attention_mask", "token_type_ids") if key in sample]

    class Pooled(torch.nn.Module):
        """The whole sentence-transformers pipeline, normalised, as one function of tensors."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors):
            output = self.model(dict(zip(inputs, tensors, strict=True)))["sentence_embedding"]
            return torch.nn.functional.normalize(output, p=2, dim=1)

    axes = {key: {0: "batch", 1: "sequence"} for key in inputs}
    with torch.no_grad(), _quiet_export_warnings():
        torch.onnx.export(
            Pooled().eval(),
            tuple(sample[key] for key in inputs),
            str(work / MODEL_FILE),
            dynamo=False,
            opset_version=OPSET,
            input_names=inputs,
            output_names=["embedding"],
            dynamic_axes={**axes, "embedding": {0: "batch"}},
        )
    (work / TOKENIZER_FILE).write_text(model.tokenizer.backend_tokenizer.to_str(), encoding="utf-8")
    record = {
        "format": EXPORT_FORMAT,
        "model": name,
        "fingerprint": fingerprint,
        "dimension": reference.dimension,
        "max_seq_length": reference.max_seq_length,
        "do_lower_case": bool(getattr(model[0], "do_lower_case", False)),
        "inputs": inputs,
        "model_bytes": (work / MODEL_FILE).stat().st_size,
        "exported_with": {"torch": torch.__version__, "onnx": onnx.__version__, "opset": OPSET},
    }
    _write_record(work, record)
    expected = reference.encode(list(CHECK_TEXTS))
    got = OnnxEncoder.from_directory(work).encode(list(CHECK_TEXTS))
    min_cosine = float(np.min(np.sum(expected * got, axis=1)))
    if not min_cosine >= MIN_CHECK_COSINE:
        raise ModelError(
            f"The ONNX export of {name!r} does not reproduce its vectors (min cosine "
            f"{min_cosine:.4f} < {MIN_CHECK_COSINE}); set EMBEDDING_BACKEND=torch for this model."
        )
    record["check"] = {"texts": len(CHECK_TEXTS), "min_cosine": round(min_cosine, 6)}
    _write_record(work, record)
    return record


def _write_record(directory: Path, record: dict) -> None:
    (directory / EXPORT_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


@contextlib.contextmanager
def _quiet_export_warnings() -> Iterator[None]:
    """The tracer's warnings are about shapes it records as constants, by design here."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


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
            raise _damaged(self.directory, str(exc).splitlines()[0][:120]) from exc

    def _load_tokenizer(self, truncate: int | None):
        from tokenizers import Tokenizer

        try:
            tokenizer = Tokenizer.from_file(str(self.directory / TOKENIZER_FILE))
        except Exception as exc:  # tokenizers raises a bare Exception for a bad file
            raise _damaged(self.directory, f"{TOKENIZER_FILE}: {exc}") from exc
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
