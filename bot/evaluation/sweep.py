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
    """Urgent recall and false alarms of the whole triage (lexicon, guards, semantic layer) across
    the semantic layer's two thresholds: its margin over the nearest calm example, and its floor."""
    from bot.safety.semantic import SemanticLayer

    urgent = [case.q for case in dev.urgent]
    calm = [case.q for case in dev.calm]
    detector = pipeline.detector
    if not urgent or not calm or detector.semantic is None:
        return []
    vectors = pipeline.encoder.encode(urgent + calm)
    lexicon_only = detector.with_layers(None, None).check_batch(urgent + calm)
    lines = [
        f"red flags: the lexicons alone catch {sum(v.urgent for v in lexicon_only[: len(urgent)])}"
        f"/{len(urgent)} urgent, flag {sum(v.urgent for v in lexicon_only[len(urgent) :])}"
        f"/{len(calm)} everyday (English semantic layer below; defaults "
        f"{detector.semantic.margin:.2f} / {detector.semantic.min_cosine:.2f})",
        "margin  floor  urgent recall  false alarms",
    ]
    for margin in (0.0, 0.05, 0.10, 0.15):
        for floor in (0.35, 0.45, 0.55):
            layer = SemanticLayer(detector.semantic.encoder, margin, floor)
            verdicts = detector.with_layers(layer, None).check_batch(urgent + calm, vectors)
            recall = sum(v.urgent for v in verdicts[: len(urgent)]) / len(urgent)
            alarms = sum(v.urgent for v in verdicts[len(urgent) :]) / len(calm)
            lines.append(f"{margin:>6.2f}  {floor:>5.2f}  {recall:>13.3f}  {alarms:>12.3f}")
    return lines
