"""The development sets' triage messages as examples for the semantic layers.

``quotebot triage-examples`` writes ``bot/data/red_flag_examples.toml``: from each urgent message
of a development set, the sentences in which its language's lexicon finds a flag of the message's
labelled kind (the sentence that carries the emergency, not the question about supplements around
it); from each everyday message, every sentence in which no pattern matches (a sentence the guards
set aside, "no blood in it", is theirs to read). The layers then read a new message against
thousands of sentences people wrote, not only the few dozen curated examples.

Held-out parts are never read: what they measure must stay unseen.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from bot.evaluation.sets import EVAL_DIR, Part
from bot.safety.language import ENGLISH
from bot.safety.lexicon import Lexicon
from bot.safety.semantic import LabelledSentences, semantic_sentences
from bot.safety.triage import RedFlagDetector


def development_sets(root: Path) -> list[Path]:
    """The bundled development part and every ``eval/*/dev`` folder under ``root``."""
    found = [EVAL_DIR / "dev"]
    found += sorted(p for p in (root / "eval").glob("*/dev") if (p / "triage.toml").exists())
    return found


def harvest(parts: Sequence[Part], detector: RedFlagDetector) -> LabelledSentences:
    """Urgent sentences by flag id and calm sentences, English apart from other languages."""
    english_ids = {flag.id for flag in detector.english.flags}
    urgent: dict[str, dict[str, list[str]]] = {"en": {}, "other": {}}
    calm: dict[str, list[str]] = {"en": [], "other": []}
    seen: set[str] = set()
    for part in parts:
        for case in part.urgent:
            side = "en" if case.lang == ENGLISH else "other"
            lexicon = detector.lexicons.get(case.lang, detector.english)
            sentences = semantic_sentences(case.q)
            for sentence in sentences if len(sentences) > 1 else [case.q]:
                flags = [
                    f for f in lexicon.find(sentence) if f.kind == case.kind and f.id in english_ids
                ]
                if flags and sentence not in seen:
                    seen.add(sentence)
                    urgent[side].setdefault(flags[0].id, []).append(sentence)
        for case in part.calm:
            side = "en" if case.lang == ENGLISH else "other"
            lexicon = detector.lexicons.get(case.lang, detector.english)
            for sentence in semantic_sentences(case.q) or [case.q]:
                # "No blood in it" is what the guards set aside; as a calm example it would
                # also outweigh "blood in it" for the model, which cannot read the "no".
                if _says_a_sign(lexicon, sentence):
                    continue
                if sentence not in seen:
                    seen.add(sentence)
                    calm[side].append(sentence)
    return LabelledSentences(urgent, calm)


def _says_a_sign(lexicon: Lexicon, sentence: str) -> bool:
    """Whether a pattern of the lexicon matches the sentence, before any guard."""
    normalised = lexicon.normalise(sentence)
    return any(
        flag.compiled[0] is not None and flag.compiled[0].search(normalised)
        for flag in lexicon.flags
    )


def render(sentences: LabelledSentences, sources: Sequence[str]) -> str:
    """The TOML file: a header that says where the sentences come from, then the lists."""
    lines = [
        "# Sentences of the development triage sets, as examples for the semantic layers of triage.",
        "# Written by `quotebot triage-examples` (do not edit by hand: edit the sets or the lexicon,",
        "# then run it again). Urgent: the sentences of urgent messages in which the language's",
        "# lexicon finds a flag of the message's labelled kind. Calm: every sentence of everyday",
        "# messages in which no pattern matches. The sets were written by helper sessions that saw",
        "# only the corpus articles;",
        "# held-out parts are never read. Sources:",
        *[f"#   {source}" for source in sources],
        "",
    ]
    for side in ("en", "other"):
        lines.append(f"[urgent.{side}]")
        for flag_id, texts in sorted(sentences.urgent.get(side, {}).items()):
            lines.append(f"{flag_id} = [")
            lines += [f"  {json.dumps(text, ensure_ascii=False)}," for text in texts]
            lines.append("]")
        lines.append("")
    lines.append("[calm]")
    for side in ("en", "other"):
        lines.append(f"{side} = [")
        lines += [
            f"  {json.dumps(text, ensure_ascii=False)}," for text in sentences.calm.get(side, [])
        ]
        lines.append("]")
    return "\n".join(lines) + "\n"
