"""From retrieved passages to the quotes a person reads: the passage, verbatim, with the sentences
that answer it marked (bold in Telegram), so the straight answer stands out in its context.

A long passage is cut to a window of about ``QUOTE_WORDS`` words around the marked sentences. A
window never starts on a sentence that leans on the one before it ("It can…", "These steps…",
"However, …"): it starts earlier, so the sentence is not read without what it refers to. Where
nothing comes before it in the passage, the section heading the passage stands under (often the
question it answers) is shown with the quote.

Measured on COVID-QA's dev questions (docs/evaluation.md): the best sentence alone covers the
gold answer in 0.55 of questions at 3 quotes, a window of 80 words 0.71, the whole passage 0.72;
marking inside the passage keeps the passage's recall and still points at the answer.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote as url_quote

from bot.answering.answer import Quote
from bot.ingest.corpus import SourceDocument
from bot.retrieval.corpus_snapshot import CorpusSnapshot
from bot.retrieval.retrieve import Hit

log = logging.getLogger(__name__)

# A further sentence is marked beside the best one when its cosine is this close to it.
MARK_MARGIN = 0.06
MAX_MARKED = 2
# Passages up to this many words are quoted whole; longer ones are cut to a window this long.
QUOTE_WORDS = 120
# Sentences taken in front of the window's first for what it refers to, at most.
MAX_CONTEXT_SENTENCES = 2

# A sentence that opens with one of these refers to, or continues, what comes before it.
_LEANS_BACK_RE = re.compile(
    r"^[\"'“‘(]*(?:it|its|it's|this|that|these|those|they|them|their|such|both|he|she|his|her|"
    r"here|there|then|however|but|also|and|or|so|yet|still|thus|therefore|hence|otherwise|"
    r"instead|likewise|similarly|moreover|furthermore|additionally|meanwhile|as a result|"
    r"in addition|for example|for instance|in this way|in turn|on the other hand|the latter|"
    r"the former|the same|this is|another|other|each of these|all of these|one of these)\b",
    re.IGNORECASE,
)


def leans_back(sentence: str) -> bool:
    """Whether a sentence refers to (or continues) the one before it."""
    return bool(_LEANS_BACK_RE.match(sentence.lstrip()))


def quote_hits(
    hits: Sequence[Hit],
    documents: Mapping[str, SourceDocument] | None = None,
    snapshot: CorpusSnapshot | None = None,
) -> tuple[Quote, ...]:
    """One quote per hit, in the hits' order: its answering sentences marked, in their context.

    With ``snapshot``, each quote is compared with the corpus text as indexed (a slice and a string
    comparison, microseconds) and left out, with a warning, when it is not exactly that text.
    """
    quotes = (quote_hit(hit, (documents or {}).get(hit.passage.doc_id)) for hit in hits)
    return tuple(quote for quote in quotes if snapshot is None or _verbatim(quote, snapshot))


def _verbatim(quote: Quote, snapshot: CorpusSnapshot) -> bool:
    if snapshot.may_quote(quote.passage_ids, quote.source_path, quote.start, quote.end, quote.text):
        return True
    if snapshot.first_report(quote.passage_ids):  # once, not at every answer that retrieves it
        # The passage id and file only: the text may be anything.
        log.warning(
            "Left out a quote of passage %s (%s): it is not what its article says (the article "
            "changed since the index was built, or the index was altered).",
            ",".join(quote.passage_ids),
            quote.source_path,
        )
    return False


def quote_hit(hit: Hit, document: SourceDocument | None = None) -> Quote:
    passage = hit.passage
    spans = passage.sentences or ((passage.start, passage.end),)
    texts = [passage.text[s - passage.start : e - passage.start] for s, e in spans]
    scores = hit.sentence_scores or (hit.cosine,) * len(spans)
    marked = marked_sentences(scores)
    first, last = marked[0], marked[-1]
    # Grow the window around the marks, the following sentence first, to QUOTE_WORDS.
    while _words(texts[first : last + 1]) < QUOTE_WORDS and (first > 0 or last + 1 < len(spans)):
        if last + 1 < len(spans):
            last += 1
        if first > 0 and _words(texts[first : last + 1]) < QUOTE_WORDS:
            first -= 1
    context = 0
    while first > 0 and context < MAX_CONTEXT_SENTENCES and leans_back(texts[first]):
        first, context = first - 1, context + 1
    start, end = spans[first][0], spans[last][1]
    return Quote(
        text=passage.text[start - passage.start : end - passage.start],
        doc_id=passage.doc_id,
        title=passage.title,
        section=passage.section,
        source_path=passage.source_path,
        start=start,
        end=end,
        score=round(hit.cosine, 4),
        passage_ids=(passage.id,),
        marks=tuple(spans[i] for i in marked),
        cited_as=document.cited_as if document else "",
        url=text_fragment_url(document.source, texts[marked[0]])
        if document and document.source
        else None,
    )


@functools.lru_cache(maxsize=8192)  # an article's sentences come back question after question
def text_fragment_url(url: str, sentence: str, edge_words: int = 4) -> str:
    """``url`` opened at ``sentence`` in browsers that follow text fragments (``#:~:text=``);
    a long sentence is named by its first and last words."""
    words = sentence.split()
    if len(words) > 2 * edge_words + 2:
        target = (
            _fragment(" ".join(words[:edge_words])) + "," + _fragment(" ".join(words[-edge_words:]))
        )
    else:
        target = _fragment(" ".join(words))
    return f"{url.split('#', 1)[0]}#:~:text={target}"


def _fragment(text: str) -> str:
    # Dashes, commas and ampersands have meanings inside a text fragment: percent-encode them.
    return url_quote(text, safe="").replace("-", "%2D")


def marked_sentences(cosines: Sequence[float]) -> list[int]:
    """The best sentence, and a neighbour of it that is nearly as close to the question."""
    best = max(range(len(cosines)), key=lambda i: cosines[i])
    marked = [best]
    neighbours = [i for i in (best - 1, best + 1) if 0 <= i < len(cosines)]
    for i in sorted(neighbours, key=lambda i: -cosines[i]):
        if len(marked) < MAX_MARKED and cosines[i] >= cosines[best] - MARK_MARGIN:
            marked.append(i)
    return sorted(marked)


def _words(texts: Sequence[str]) -> int:
    return sum(len(text.split()) for text in texts)
