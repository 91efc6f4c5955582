"""Export the sentence-transformers model to ONNX, checked against torch's own vectors (needs torch).

The export runs the whole model — transformer, pooling and normalisation — in one ONNX graph, and
is kept only when it reproduces the torch model's vectors (cosine ≥ 0.9999) on texts chosen to
stress it. It is written beside the target and renamed into place under a file lock.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from bot.embedding.model import model_fingerprint, resolve_model, torch_installed
from bot.embedding.onnx_encoder import OnnxEncoder
from bot.embedding.onnx_record import (
    EXPORT_FORMAT,
    MODEL_FILE,
    TOKENIZER_FILE,
    ExportCheck,
    ExportRecord,
    export_dir,
    write_record,
)
from bot.embedding.torch_encoder import SentenceTransformerEncoder
from bot.errors import ModelError

log = logging.getLogger(__name__)

OPSET = 17
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


def export_model(model_name: str, cache_dir: Path) -> ExportRecord:
    """Export ``model_name`` to ONNX in ``cache_dir``, check it against torch, and keep it atomically.

    Returns the export's record. Needs the ``torch`` extra; raises ModelError with what to do
    when it is missing or when the export does not reproduce the model's vectors.
    """
    if not torch_installed():
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
        record.check.min_cosine,
        record.check.texts,
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
) -> ExportRecord:
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
    record = ExportRecord(
        format=EXPORT_FORMAT,
        model=name,
        fingerprint=fingerprint,
        dimension=reference.dimension,
        max_seq_length=reference.max_seq_length,
        do_lower_case=bool(getattr(model[0], "do_lower_case", False)),
        inputs=tuple(inputs),
        model_bytes=(work / MODEL_FILE).stat().st_size,
        exported_with={"torch": torch.__version__, "onnx": onnx.__version__, "opset": OPSET},
    )
    write_record(work, record)
    expected = reference.encode(list(CHECK_TEXTS))
    got = OnnxEncoder(work).encode(list(CHECK_TEXTS))
    min_cosine = float(np.min(np.sum(expected * got, axis=1)))
    if not min_cosine >= MIN_CHECK_COSINE:
        raise ModelError(
            f"The ONNX export of {name!r} does not reproduce its vectors (min cosine "
            f"{min_cosine:.4f} < {MIN_CHECK_COSINE}); set EMBEDDING_BACKEND=torch for this model."
        )
    checked = dataclasses.replace(record, check=ExportCheck(len(CHECK_TEXTS), round(min_cosine, 6)))
    write_record(work, checked)
    return checked


@contextlib.contextmanager
def _quiet_export_warnings() -> Iterator[None]:
    """The tracer's warnings are about shapes it records as constants, by design here."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
