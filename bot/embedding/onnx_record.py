"""An ONNX export on disk: where it lives, what its record says, and whether it is intact.

An export directory holds everything serving needs::

    <MODEL_CACHE_DIR>/<model>/model.onnx       the graph and weights
                             /tokenizer.json   the model's tokenizer
                             /export.json      which model files it came from, and its check

:mod:`bot.embedding.onnx_export` writes it (with torch); :mod:`bot.embedding.onnx_encoder` serves
from it (without).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from bot.embedding.model import is_bundled, model_fingerprint, resolve_model
from bot.errors import ModelError

EXPORT_FORMAT = 1
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
EXPORT_FILE = "export.json"


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
        raise damaged_export(directory, type(exc).__name__) from exc
    if not isinstance(record, dict) or record.get("format") != EXPORT_FORMAT:
        raise damaged_export(directory, "unknown export format")
    if model_size != record.get("model_bytes") or not tokenizer_ok:
        raise damaged_export(directory, f"{MODEL_FILE} or {TOKENIZER_FILE} does not match {EXPORT_FILE}")
    return record


def damaged_export(directory: Path, reason: str) -> ModelError:
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



def write_record(directory: Path, record: dict) -> None:
    (directory / EXPORT_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

