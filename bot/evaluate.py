"""`quotebot eval`: retrieval and triage figures on the labelled set, and threshold sweeps."""

from __future__ import annotations

import statistics
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.answering.pipeline import AnswerPipeline
from bot.errors import ConfigError
from bot.retrieval.retrieve import Retriever

MRR_DEPTH = 10
# The labelled set `quotebot eval`, the test floors and the benchmarks all measure on; shipped
# with the package (and so in the image) beside the other data files.
LABELLED_SET = Path(__file__).resolve().parent / "data" / "eval" / "labelled.toml"


@dataclass(frozen=True)
class LabelledSet:
    answerable: list[tuple[str, list[str]]]  # question, texts any of which marks a right passage
    out_of_scope: list[str]
    urgent: list[tuple[str, str]]  # message, expected urgent kind
    non_urgent: list[str]


def load_labelled_set(path: Path) -> LabelledSet:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Cannot read the labelled set {path} ({exc}); pass --set PATH.") from exc
    return LabelledSet(
        answerable=[(e["q"], list(e["expect"])) for e in data.get("answerable", [])],
        out_of_scope=[e["q"] for e in data.get("out_of_scope", [])],
        urgent=[(e["q"], e["kind"]) for e in data.get("urgent", [])],
        non_urgent=[e["q"] for e in data.get("non_urgent", [])],
    )


def _relevant(text: str, expected: list[str]) -> bool:
    return any(snippet in text for snippet in expected)


def evaluate(pipeline: AnswerPipeline, labelled: LabelledSet) -> dict:
    """Every figure of the report, measured through the whole pipeline as users meet it."""
    questions = [q for q, _ in labelled.answerable]
    answers = pipeline.answer_batch(questions)
    recall1 = recall3 = 0
    misses = []
    for (question, expected), answer in zip(labelled.answerable, answers):
        texts = [quote.text for quote in answer.quotes]
        recall1 += bool(texts) and _relevant(texts[0], expected)
        hit3 = any(_relevant(t, expected) for t in texts[:3])
        recall3 += hit3
        if not hit3:
            misses.append(question)

    vectors = pipeline.encoder.encode(questions)
    reciprocal = []
    for (_, expected), hits in zip(
        labelled.answerable, pipeline.retriever.rank_batch(questions, vectors)
    ):
        rank = next(
            (i + 1 for i, h in enumerate(hits[:MRR_DEPTH]) if _relevant(h.passage.text, expected)),
            None,
        )
        reciprocal.append(1.0 / rank if rank else 0.0)

    out_answers = pipeline.answer_batch(labelled.out_of_scope)
    refused = [a for a in out_answers if not a.answered]
    wrongly_answered = [a.question for a in out_answers if a.answered]

    urgent_answers = pipeline.answer_batch([q for q, _ in labelled.urgent])
    caught = [
        a
        for a, (_, kind) in zip(urgent_answers, labelled.urgent)
        if a.urgent and kind in _kinds(pipeline, a)
    ]
    missed_urgent = [q for a, (q, _) in zip(urgent_answers, labelled.urgent) if a not in caught]
    calm = labelled.non_urgent + questions + labelled.out_of_scope
    calm_answers = pipeline.answer_batch(labelled.non_urgent) + answers + out_answers
    alarms = [a.question for a in calm_answers if a.urgent]
    non_urgent_alarms = [a.question for a in calm_answers[: len(labelled.non_urgent)] if a.urgent]

    latencies = []
    for question in questions[:20]:
        started = time.perf_counter()
        pipeline.answer(question)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return {
        "answerable": len(questions),
        "recall_at_1": round(recall1 / len(questions), 3),
        "recall_at_3": round(recall3 / len(questions), 3),
        "mrr": round(sum(reciprocal) / len(reciprocal), 3),
        "out_of_scope": len(labelled.out_of_scope),
        "out_of_scope_refusal": round(len(refused) / len(labelled.out_of_scope), 3),
        "urgent": len(labelled.urgent),
        "red_flag_recall": round(len(caught) / len(labelled.urgent), 3),
        "non_urgent": len(labelled.non_urgent),
        "false_alarm_rate": round(len(non_urgent_alarms) / len(labelled.non_urgent), 3),
        "false_alarm_rate_all_calm": round(len(alarms) / len(calm), 3),
        "latency_ms_p50": round(statistics.median(latencies), 1),
        "latency_ms_p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "misses": {
            "answerable_not_in_top_3": misses,
            "out_of_scope_answered": wrongly_answered,
            "urgent_missed": missed_urgent,
            "false_alarms": alarms,
        },
    }


def _kinds(pipeline: AnswerPipeline, answer) -> set[str]:
    return {kind for kind, text in pipeline.texts.urgent.items() if text in answer.urgent_advice}


def render_report(report: dict) -> str:
    rows = [
        ("recall@1", report["recall_at_1"], f"{report['answerable']} answerable questions"),
        ("recall@3", report["recall_at_3"], "floor 0.9"),
        ("MRR", report["mrr"], f"fused ranking, top {MRR_DEPTH}"),
        (
            "out-of-scope refusal",
            report["out_of_scope_refusal"],
            f"{report['out_of_scope']} questions, floor 0.9",
        ),
        (
            "red-flag recall",
            report["red_flag_recall"],
            f"{report['urgent']} urgent messages, floor 1.0",
        ),
        (
            "false alarms",
            report["false_alarm_rate"],
            f"{report['non_urgent']} non-urgent messages, ceiling 0.1",
        ),
        (
            "false alarms, all calm",
            report["false_alarm_rate_all_calm"],
            "non-urgent + answerable + out of scope",
        ),
        ("latency p50 (ms)", report["latency_ms_p50"], "one question, whole pipeline"),
        ("latency p95 (ms)", report["latency_ms_p95"], ""),
    ]
    lines = [f"{name:<24}{value:>8}  {note}" for name, value, note in rows]
    for label, items in report["misses"].items():
        for item in items:
            lines.append(f"  {label}: {item}")
    return "\n".join(lines)


def sweep(pipeline: AnswerPipeline, labelled: LabelledSet) -> str:
    """Recall@3 and out-of-scope refusal across relevance thresholds, and red flags across the
    semantic threshold: the tables the tuned values in retrieve.py and safety.py were read from."""
    questions = [q for q, _ in labelled.answerable]
    retriever = pipeline.retriever
    ranked_in = retriever.rank_batch(questions, pipeline.encoder.encode(questions))
    ranked_out = retriever.rank_batch(
        labelled.out_of_scope, pipeline.encoder.encode(labelled.out_of_scope)
    )
    lines = ["min_score  recall@3  refusal"]
    for step in range(10, 56, 2):
        threshold = step / 100
        trial = Retriever(
            retriever.index,
            retriever.lexical,
            min_score=threshold,
            score_margin=retriever.score_margin,
        )
        recall = sum(
            any(
                _relevant(h.passage.text, expected)
                for h in trial.select(hits)[: pipeline.max_quotes]
            )
            for hits, (_, expected) in zip(ranked_in, labelled.answerable)
        ) / len(questions)
        refusal = sum(not trial.select(hits) for hits in ranked_out) / len(ranked_out)
        lines.append(f"{threshold:>9.2f}  {recall:>8.3f}  {refusal:>7.3f}")

    urgent = [q for q, _ in labelled.urgent]
    calm = labelled.non_urgent + questions + labelled.out_of_scope
    detector = pipeline.detector
    urgent_vectors, calm_vectors = pipeline.encoder.encode(urgent), pipeline.encoder.encode(calm)
    lexical_urgent = [bool(v.flags) for v in detector.check_batch(urgent)]
    lexical_calm = [bool(v.flags) for v in detector.check_batch(calm)]
    semantic_urgent = [v.semantic_score for v in detector.check_batch(urgent, urgent_vectors)]
    semantic_calm = [v.semantic_score for v in detector.check_batch(calm, calm_vectors)]
    lines.append("")
    lines.append(
        f"red flags: the lexicon alone catches {sum(lexical_urgent)}/{len(urgent)} urgent, "
        f"flags {sum(lexical_calm)}/{len(calm)} calm"
    )
    non_urgent_count = len(labelled.non_urgent)
    lines.append("semantic  recall  false-alarms(non-urgent)  false-alarms(all calm)")
    for step in range(-10, 31, 2):
        threshold = step / 100
        recall = sum(
            lex or s >= threshold for lex, s in zip(lexical_urgent, semantic_urgent)
        ) / len(urgent)
        flagged = [lex or s >= threshold for lex, s in zip(lexical_calm, semantic_calm)]
        alarms = sum(flagged[:non_urgent_count]) / non_urgent_count
        lines.append(
            f"{threshold:>8.2f}  {recall:>6.3f}  {alarms:>24.3f}  {sum(flagged) / len(calm):>22.3f}"
        )
    return "\n".join(lines)
