"""The typed answer every channel renders: verbatim quotes and fixed texts, nothing generated.

A leaf: it imports nothing of retrieval, so renderers and channels do not pull in FAISS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.answering.inputs import InputProblem

# "answered": quotes follow; "no_answer": nothing relevant enough (or urgent advice only);
# "no_more": "More passages" ran out; an input problem's name: a fixed reply instead of an answer.
AnswerStatus = (
    Literal["answered", "no_answer", "no_more", "unmentioned", "small_talk"] | InputProblem
)


@dataclass(frozen=True)
class Quote:
    """A verbatim span of a corpus file: ``text`` is the file's text ``[start:end]``.

    ``marks`` are the sentences that answer, as absolute ``[start, end)`` spans inside the quote;
    the rest of the quote is what they need around them to be read right.
    """

    text: str
    doc_id: str
    title: str
    section: str | None
    source_path: str
    start: int
    end: int
    score: float
    passage_ids: tuple[str, ...] = ()
    marks: tuple[tuple[int, int], ...] = ()
    cited_as: str = ""  # the article's short title, what the quote is shown under
    url: str | None = None  # the article's page, opened at the quote where the browser can

    @property
    def citation(self) -> str:
        """Where the quote comes from: the article's short title, and its section if it has one."""
        title = self.cited_as or self.title
        return f"{title} › {self.section}" if self.section else title

    def pieces(self) -> list[tuple[str, bool]]:
        """The quote's text cut at its marks: (text, marked) in order, joined they are ``text``."""
        runs: list[list[int]] = []  # marks next to each other (only white space between) are one
        for start, end in self.marks:
            if runs and not self.text[runs[-1][1] - self.start : start - self.start].strip():
                runs[-1][1] = end
            else:
                runs.append([start, end])
        pieces, cursor = [], self.start
        for start, end in runs:
            if start > cursor:
                pieces.append((self.text[cursor - self.start : start - self.start], False))
            pieces.append((self.text[start - self.start : end - self.start], True))
            cursor = end
        if cursor < self.end:
            pieces.append((self.text[cursor - self.start :], False))
        return pieces


@dataclass(frozen=True)
class Answer:
    """What the bot says to one message, before it is rendered for a channel."""

    question: str
    quotes: tuple[Quote, ...]
    escalation: str  # one line on when to see a professional, fitted to the question
    disclaimer: str  # in full
    urgent_advice: tuple[str, ...] = ()  # leads the reply, before anything else
    # Next: a word of caution the quotes must not seem to overrule ("do not stop a treatment …").
    cautions: tuple[str, ...] = ()
    # The cautions (by id) the chat keeps for a few minutes after this answer ("pregnancy").
    remembered: tuple[str, ...] = ()
    notice: str | None = None  # a fixed reply: no answer, bad input, no more passages
    intro: str | None = None  # the line before the quotes
    flags: tuple[str, ...] = ()
    urgent_kinds: tuple[str, ...] = ()  # the kinds of urgent advice it leads with
    has_more: bool = False  # further passages exist for "More passages"
    status: AnswerStatus = "answered"
    subject: str | None = None  # with "unmentioned": what the articles do not mention
    disclaimer_short: str = ""  # the footer's first line; the full wording one tap away
    escalation_full: str = ""  # the full escalation advice, one tap away
    language: str = "en"  # the language of the fixed texts (the message's, where texts exist)
    # The message as answered and the previous question it was read with (a follow-up's): what
    # "More passages" reads again, so that its pages follow the first one.
    asked: str = ""
    context: str | None = None
    # A greeting and a story that asks nothing yet: what a follow-up in the chat refers to.
    keeps_subject: bool = False
    # A question nothing answered, asked right after another, read on its own: read after that
    # question, it may be the follow-up it looked too complete to be ("What would you suggest I
    # try first?"). The chat reads it again so (Conversation.reread).
    may_follow: bool = False

    @property
    def answered(self) -> bool:
        return bool(self.quotes)

    @property
    def urgent(self) -> bool:
        return bool(self.urgent_advice)
