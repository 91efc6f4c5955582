"""Run the whole evaluation: each part of the labelled sets, latency, and COVID-QA if given."""

from __future__ import annotations

from pathlib import Path

from bot.answering.conversation import Conversation
from bot.evaluation.covidqa import load_questions, measure_covidqa
from bot.evaluation.measure import latency, measure_part
from bot.evaluation.sets import EVAL_DIR, PARTS, load_parts


def evaluate(
    system,
    *,
    sets_dir: Path = EVAL_DIR,
    parts: tuple[str, ...] = PARTS,
    covidqa: Path | None = None,
) -> dict:
    """Every figure, by part; held-out parts are measured without listing their misses."""
    pipeline = system.pipeline
    ttl = system.settings.followup_ttl_seconds
    report: dict = {}
    loaded = load_parts(sets_dir, parts)
    for part in loaded:
        report[part.name] = measure_part(
            pipeline,
            part,
            new_conversation=lambda: Conversation(ttl=ttl),
            with_misses=part.name != "heldout",
        )
    questions = [case.q for part in loaded for case in part.answered]
    if questions:
        report["latency"] = latency(pipeline, questions)
    if covidqa is not None:
        report["covidqa"] = covidqa_figures(system, covidqa)
    return report


def covidqa_figures(system, directory: Path) -> dict:
    """COVID-QA's articles indexed once under DATA_DIR/eval/covidqa (rebuilt when they change)."""
    from bot.system import System

    questions = load_questions(directory)
    settings = system.settings.model_copy(
        update={
            "corpus_dir": directory / "articles",
            "index_dir": system.settings.data_dir / "eval" / "covidqa-index",
        }
    )
    covid = System(settings, encoder=system.encoder)
    covid.build_index()
    return measure_covidqa(covid.pipeline, questions)
