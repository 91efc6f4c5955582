"""Whether a message in another language speaks of anything the articles do.

The articles are English: a question in another language is told so, in its language (texts.<code>
.toml, ``language``). Chatter in another language ("festa da rua no sábado, quem traz o bolo?",
"Mensa heute? Currywurst-Tag 🌭") is no question for them, and gets the short acknowledgement in
its language instead. The multilingual model (the one triage reads other languages with) places a
sentence near its English translation: a message far from every passage speaks of nothing the
articles do. Measured on the development sets' messages in other languages (docs/evaluation.md):
chatter lies at cosines 0.02-0.15 from the nearest passage, questions of health at 0.05-0.55, the
short ones lowest ("e o sono?" 0.05, "Est-ce grave?" 0.11); so the bounds are low, and a message
that follows a question is never read as chatter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

# Nearest passage below this: a message that asks (a question mark) speaks of nothing they do ...
ASKED_COSINE = 0.10
# ... and one that only tells ("ja, schick ich gleich", "galera, a reunião mudou pra 15h").
TOLD_COSINE = 0.15


class _Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class OffTopic:
    """Reads messages in other languages against the passages of the index being served."""

    def __init__(
        self, encoder: _Encoder, asked: float = ASKED_COSINE, told: float = TOLD_COSINE
    ) -> None:
        self.encoder = encoder
        self.asked = asked
        self.told = told
        # The passages' vectors, for the one passage list they were made from (an index swapped
        # in makes them again, on its first message in another language).
        self._passages: Sequence[str] | None = None
        self._vectors: np.ndarray | None = None

    def far_from(self, messages: Sequence[str], passages: Sequence[str]) -> list[bool]:
        """For each message, whether it is far from every one of ``passages`` (unit vectors'
        cosines below the bound for a message that asks, or one that tells)."""
        if not messages or not passages:
            return [False] * len(messages)
        if self._passages is not passages:
            self._vectors = self.encoder.encode(list(passages))
            self._passages = passages
        nearest = (self.encoder.encode(list(messages)) @ self._vectors.T).max(axis=1)
        return [
            float(cosine) < (self.asked if "?" in message else self.told)
            for message, cosine in zip(messages, nearest)
        ]
