"""Counting word pieces as the model does, from its tokenizer.json alone (no torch)."""

from __future__ import annotations

from pathlib import Path

from bot.errors import ModelError
from bot.ingest.passages import TokenCounter


def tokenizer_counter(tokenizer_file: Path) -> TokenCounter:
    """Word pieces of a text, special tokens excluded and before truncation, by this tokenizer."""
    from tokenizers import Tokenizer

    try:
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
    except Exception as exc:  # tokenizers raises a bare Exception for a bad file
        raise ModelError(f"Cannot read the tokenizer {tokenizer_file}: {exc}.") from exc
    tokenizer.no_truncation()
    tokenizer.no_padding()

    def count_tokens(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False).ids)

    return count_tokens
