"""The evaluation report as text: each figure beside its floor, dev and held-out side by side."""

from __future__ import annotations

# (section, figure, what it means, the floor `make test` holds on dev, or None)
ROWS = [
    ("paraphrase", "recall_at_1", "paraphrased questions: right quote first", None),
    ("paraphrase", "recall_at_3", "paraphrased questions: right quote in the first three", 0.9),
    ("vague", "recall_at_3", "vague questions: right quote in the first three", None),
    ("opposite_intent", "recall_at_3", "opposite intent (avoid vs eat, …): right quote", None),
    ("opposite_intent", "refusal", "opposite intent the articles do not answer: refused", None),
    ("unmentioned", "named", "subjects the articles never mention: named", None),
    ("unmentioned", "quoted_as_answer", "… quoted as if they answered (lower is better)", None),
    ("out_of_scope", "refusal", "out-of-scope questions refused", 0.9),
    ("conversation", "as_expected", "conversation turns as a person expects", None),
    ("conversation", "small_talk_as_expected", "… small talk: a short reply, no quotes", None),
    ("conversation", "follow_up_as_expected", "… follow-ups keep their subject", None),
    ("conversation", "new_topic_as_expected", "… new topics do not inherit", None),
    ("conversation", "unmentioned_as_expected", "… unmentioned subjects named", None),
    ("triage", "urgent_recall", "urgent messages caught (right kind)", 1.0),
    ("triage", "false_alarm_rate", "everyday messages flagged urgent (lower is better)", 0.1),
]


def render_report(report: dict) -> str:
    parts = [name for name in ("dev", "heldout") if name in report]
    lines = [f"{'':58}" + "".join(f"{name:>9}" for name in parts) + "   floor (dev)"]
    for section, figure, meaning, floor in ROWS:
        values = [report[name].get(section, {}).get(figure) for name in parts]
        if all(value is None for value in values):
            continue
        size_key = {"urgent_recall": "urgent", "false_alarm_rate": "calm"}.get(figure, "n")
        counts = [
            report[name].get(section, {}).get(size_key)
            or report[name].get(section, {}).get("turns")
            for name in parts
        ]
        shown = "".join(f"{'—' if v is None else v:>9}" for v in values)
        sizes = " / ".join(str(c) for c in counts if c)
        lines.append(f"{meaning:<58}{shown}   {'' if floor is None else floor}  ({sizes})")
    for name in parts:
        triage = report[name].get("triage", {})
        for key in (
            "urgent_recall_by_kind",
            "urgent_recall_by_style",
            "urgent_recall_by_language",
            "false_alarm_rate_by_category",
        ):
            if triage.get(key):
                shown = ", ".join(f"{k} {v}" for k, v in triage[key].items())
                lines.append(f"  {name} {key.replace('_', ' ')}: {shown}")
    if "covidqa" in report:
        figures = report["covidqa"]
        lines.append(
            f"COVID-QA dev ({figures['questions']} questions): span recall@1 "
            f"{figures['span_recall_at_1']}, @3 {figures['span_recall_at_3']}, strict@3 "
            f"{figures['strict_at_3']}, refused {figures['refused']}, urgent {figures['urgent']}"
        )
    if "latency" in report:
        lines.append(
            f"latency, one question, whole pipeline: p50 {report['latency']['latency_ms_p50']} ms, "
            f"p95 {report['latency']['latency_ms_p95']} ms"
        )
    for label, items in report.get("dev", {}).get("misses", {}).items():
        for item in items:
            lines.append(f"  dev miss, {label}: {item}")
    if "heldout" in report:
        lines.append("  (held-out misses are not listed: tune on dev, never on held-out)")
    return "\n".join(lines)
