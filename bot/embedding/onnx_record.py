"""An ONNX export on disk: where it lives, what its record says, and whether it is intact.

An export directory holds everything serving needs::

    <MODEL_CACHE_DIR>/<model>/model.onnx       the graph and weights
                             /tokenizer.json   the model's tokenizer
                             /export.json      which model files it came from, and its check

:mod:`bot.embedding.onnx_export` writes it (with torch); :mod:`bot.embedding.onnx_encoder` serves
from it (without).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.embedding.model import is_bundled, source_fingerprint
from bot.errors import ModelError

EXPORT_FORMAT = 1
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
EXPORT_FILE = "export.json"

ExportState = Literal["current", "missing", "stale"]


@dataclass(frozen=True)
class ExportCheck:
    """How the export was checked against the torch model: on how many texts, how closely."""

    texts: int
    min_cosine: float


@dataclass(frozen=True)
class ExportRecord:
    """``export.json``: which model files the export came from, its shape, and its check."""

    format: int
    model: str
    fingerprint: str
    dimension: int
    max_seq_length: int
    do_lower_case: bool
    inputs: tuple[str, ...]
    model_bytes: int
    exported_with: dict[str, str | int]
    check: ExportCheck | None = None

    def to_json(self) -> dict:
        return dataclasses.asdict(self) | {"inputs": list(self.inputs)}

    @classmethod
    def from_json(cls, data: dict) -> ExportRecord:
        check = data.get("check")
        return cls(
            format=int(data["format"]),
            model=str(data["model"]),
            fingerprint=str(data["fingerprint"]),
            dimension=int(data["dimension"]),
            max_seq_length=int(data["max_seq_length"]),
            do_lower_case=bool(data["do_lower_case"]),
            inputs=tuple(data["inputs"]),
            model_bytes=int(data["model_bytes"]),
            exported_with=dict(data.get("exported_with") or {}),
            check=ExportCheck(int(check["texts"]), float(check["min_cosine"])) if check else None,
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


def read_export(directory: Path) -> ExportRecord | None:
    """The export's record, or None when there is none; a damaged export raises ModelError."""
    record_file = directory / EXPORT_FILE
    if not record_file.exists():
        return None
    try:
        data = json.loads(record_file.read_text(encoding="utf-8"))
        model_size = (directory / MODEL_FILE).stat().st_size
        tokenizer_ok = (directory / TOKENIZER_FILE).is_file()
    except (OSError, ValueError) as exc:
        raise damaged_export(directory, type(exc).__name__) from exc
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise damaged_export(directory, "unknown export format")
    try:
        record = ExportRecord.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise damaged_export(directory, f"{EXPORT_FILE} lacks {exc}") from exc
    if model_size != record.model_bytes or not tokenizer_ok:
        raise damaged_export(
            directory, f"{MODEL_FILE} or {TOKENIZER_FILE} does not match {EXPORT_FILE}"
        )
    return record


def export_state(directory: Path, model_name: str) -> ExportState:
    """Whether the export in ``directory`` serves ``model_name`` as its files are now.

    Where the model files are not on this machine (the container), the export is taken as it is.
    A damaged export raises ModelError.
    """
    record = read_export(directory)
    if record is None:
        return "missing"
    source = source_fingerprint(model_name)
    return "current" if source is None or record.fingerprint == source else "stale"


def damaged_export(directory: Path, reason: str) -> ModelError:
    return ModelError(
        f"The ONNX export in {directory} is damaged ({reason}); "
        "run `quotebot model export` to make it again."
    )


def write_record(directory: Path, record: ExportRecord) -> None:
    text = json.dumps(record.to_json(), indent=2) + "\n"
    (directory / EXPORT_FILE).write_text(text, encoding="utf-8")
