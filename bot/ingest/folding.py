"""Text folded for matching (never for quoting): accents taken off, so "café" matches "cafe"."""

from __future__ import annotations

import unicodedata


def strip_accents(text: str) -> str:
    """``text`` decomposed (NFKD) without its combining marks; ASCII text is returned as it is."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))
