"""`quotebot eval --sweep`: figures across thresholds on the dev part (how the defaults are chosen).

Only the dev part is swept: a threshold read off the held-out part would be tuned on it.
"""

from __future__ import annotations

from bot.evaluation.measure import measure_part
from bot.evaluation.sets import Part


def sweep(system, dev: Part, thresholds=None) -> str:
    """Paraphrase recall@3 and out-of-scope refusal across RELEVANCE_THRESHOLD, then red flags
    across the semantic layer's threshold."""
    from bot.system import System

    thresholds = thresholds or [step / 100 for step in range(10, 56, 2)]
    questions = Part("dev", answered=[c for c in dev.answered if c.category == "paraphrase"])
    questions.out_of_scope = dev.out_of_scope
    lines = ["threshold  paraphrase recall@3  out-of-scope refusal"]
    for threshold in thresholds:
        settings = system.settings.model_copy(update={"relevance_threshold": threshold})
        trial = System(settings, encoder=system.encoder, index=system.index).pipeline
        figures = measure_part(trial, questions, with_misses=False)
        lines.append(
            f"{threshold:>9.2f}  {figures['paraphrase']['recall_at_3']:>19.3f}  "
            f"{figures['out_of_scope']['refusal']:>20.3f}"
        )
    lines.append("")
    lines += _semantic_sweep(system.pipeline, dev)
    return "\n".join(lines)


def _semantic_sweep(pipeline, dev: Part) -> list[str]:
    urgent = [case.q for case in dev.urgent]
    calm = [case.q for case in dev.calm]
    if not urgent or not calm:
        return []
    detector, encoder = pipeline.detector, pipeline.encoder
    lexical_urgent = [bool(v.flags) for v in detector.check_batch(urgent)]
    lexical_calm = [bool(v.flags) for v in detector.check_batch(calm)]
    semantic_urgent = [
        v.semantic_score for v in detector.check_batch(urgent, encoder.encode(urgent))
    ]
    semantic_calm = [v.semantic_score for v in detector.check_batch(calm, encoder.encode(calm))]
    lines = [
        f"red flags: the lexicon alone catches {sum(lexical_urgent)}/{len(urgent)} urgent, "
        f"flags {sum(lexical_calm)}/{len(calm)} everyday",
        "semantic threshold  urgent recall  false alarms",
    ]
    for step in range(-10, 31, 2):
        threshold = step / 100
        recall = sum(lex or s >= threshold for lex, s in zip(lexical_urgent, semantic_urgent))
        alarms = sum(lex or s >= threshold for lex, s in zip(lexical_calm, semantic_calm))
        lines.append(
            f"{threshold:>18.2f}  {recall / len(urgent):>13.3f}  {alarms / len(calm):>12.3f}"
        )
    return lines
