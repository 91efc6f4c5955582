"""Prometheus metrics: questions and outcomes, latency, errors, Telegram retries (METRICS_PORT)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from bot.answering.answer import Answer


class Metrics:
    """quotebot's counters, in a registry of their own (one per application)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.questions = Counter(
            "quotebot_questions", "Questions answered, by outcome.", ["outcome"], registry=r
        )
        self.urgent = Counter("quotebot_urgent", "Answers that led with urgent advice.", registry=r)
        self.latency = Histogram(
            "quotebot_answer_seconds",
            "Time from question to answer (safety, retrieval, composition).",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=r,
        )
        self.errors = Counter("quotebot_errors", "Updates whose handling failed.", registry=r)
        self.telegram_retries = Counter(
            "quotebot_telegram_retries", "Bot API calls retried, by reason.", ["reason"], registry=r
        )
        self.rate_limited = Counter(
            "quotebot_rate_limited", "Questions refused by the per-user limit.", registry=r
        )
        self.feedback = Counter(
            "quotebot_feedback", "Feedback button presses.", ["rating"], registry=r
        )
        self.index_stale = Gauge(
            "quotebot_index_stale",
            "1 when the corpus differs from the index being served (run `quotebot index build`).",
            registry=r,
        )
        self.index_reloads = Counter(
            "quotebot_index_reloads",
            "New indexes noticed while running, by outcome (loaded, refused).",
            ["outcome"],
            registry=r,
        )
        self.inbox_depth = Gauge(
            "quotebot_inbox_depth", "Updates received and not yet answered.", registry=r
        )
        self.inbox_replayed = Counter(
            "quotebot_inbox_replayed", "Updates answered after a restart.", registry=r
        )
        self.inbox_duplicates = Counter(
            "quotebot_inbox_duplicates",
            "Updates received again and not answered twice.",
            registry=r,
        )
        self.inbox_expired = Counter(
            "quotebot_inbox_expired", "Updates given up on as too old to answer.", registry=r
        )

    def watch_inbox(self, depth) -> None:
        """Report the inbox's depth (a callable) whenever the metrics are read."""
        self.inbox_depth.set_function(depth)

    def count(self, answer: Answer) -> None:
        outcome = (
            "answered"
            if answer.answered
            else ("no_answer" if answer.status in {"no_answer", "no_more"} else "invalid")
        )
        self.questions.labels(outcome=outcome).inc()
        if answer.urgent:
            self.urgent.inc()
