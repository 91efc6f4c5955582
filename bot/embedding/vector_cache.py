"""Vectors of fixed texts (triage examples, known questions), embedded once and kept beside the
models, keyed by the model's fingerprint and the texts."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

import numpy as np

from bot.embedding.encoder import Encoder

log = logging.getLogger(__name__)


# Vectors already made in this process, by the same key as the files: every detector of one model
# and one set of examples shares them.
_MADE: dict[str, np.ndarray] = {}


def kept_vectors(
    encoder: Encoder, texts: list[str], cache_dir: Path | None, kind: str
) -> np.ndarray:
    """The texts' vectors, kept in ``cache_dir`` as ``<kind>-<key>.npy``, the key changing with
    the model and the texts: thousands of labelled sentences take seconds to embed, a file a
    millisecond. `quotebot model export` makes the files, so that a read-only image never embeds."""
    if not texts:
        return encoder.encode(texts)
    key = hashlib.sha256("\n".join([encoder.fingerprint, *texts]).encode("utf-8")).hexdigest()[:20]
    shape = (len(texts), encoder.dimension)
    if key in _MADE:
        return _MADE[key]
    path = cache_dir / f"{kind}-{key}.npy" if cache_dir is not None else None
    if path is not None and path.is_file():
        try:
            vectors = np.load(path)
            if vectors.shape == shape:
                _MADE[key] = vectors
                return vectors
        except (OSError, ValueError):
            pass  # a damaged file is made again
    vectors = np.asarray(encoder.encode(texts), dtype=np.float32)
    _MADE[key] = vectors
    if path is not None:
        _keep(vectors, path, kind)
    return vectors


def _keep(vectors: np.ndarray, path: Path, kind: str) -> None:
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npy.tmp")
        with os.fdopen(handle, "wb") as out:
            np.save(out, vectors)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:  # a read-only cache costs the embedding at each start, nothing more
        log.warning(
            "Could not keep the %s vectors in %s (%s); `quotebot model export` makes them where "
            "the models are.",
            kind,
            path.parent,
            type(exc).__name__,
        )
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
