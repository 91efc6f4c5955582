"""An index's articles and passages, derived again from its corpus text with the build's own code.

Everything a quote is shown with comes from the index: the article's title and short title and the
link to its source (the manifest's ``corpus.documents``), the passage's headings and section
(``passages.jsonl``). None of it is quoted text, so the verbatim check of
:mod:`bot.retrieval.corpus_snapshot` does not cover it, and an edited manifest could head a true
quote with "Doctors agree: stop taking your medication". So at load the snapshot is parsed again
(:func:`bot.ingest.corpus.parse_document`) and split again (:func:`bot.ingest.passages.split_document`),
and the index must be exactly what that gives: every field of every article record and passage.

Once the corpus has changed under a loaded index (it is *stale*), a passage of an edited file is
shown only where the file as it is now still gives it the same article record and headings
(:func:`unsaid_now`): an index whose corpus text was rewritten too, headings and checksums and all,
still never heads a quote with what the article does not say.

Only where a block was cut into passages is taken from the index: it depends on the model's
tokenizer, which loading does not have. The cuts must fall after a sentence of the block
(:func:`bot.ingest.passages.cut_where`), so they can only change how a paragraph is shared out
between passages, never what a passage says, where it is, or what it is shown under.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.errors import CorpusError
from bot.ingest.corpus import Document, SourceDocument, parse_document, shared_ids
from bot.ingest.passages import Passage, cut_where, split_document
from bot.retrieval.corpus_snapshot import CorpusSnapshot, text_sha256


def derivation_mismatch(
    snapshot: CorpusSnapshot, documents: Sequence[SourceDocument], passages: Sequence[Passage]
) -> str | None:
    """None when ``documents`` and ``passages`` are what a build makes of the snapshot's text;
    else the first thing that is not (a file name, a passage's row and id, field names: never
    text, which may be anything)."""
    parsed: list[Document] = []
    for source_path in sorted(snapshot.texts):
        text = snapshot.texts[source_path]
        try:
            parsed.append(parse_document(text, source_path, text_sha256(text)))
        except CorpusError:
            return f"the indexed text of {source_path} cannot be parsed"
    if clashes := shared_ids(parsed):
        return f"{clashes[0].path} has the id of another indexed article"
    if problem := _document_mismatch(parsed, documents):
        return problem
    row = 0
    for document in parsed:
        stored: list[Passage] = []
        while row + len(stored) < len(passages) and (
            passages[row + len(stored)].source_path == document.source_path
        ):
            stored.append(passages[row + len(stored)])
        derived = split_document(document, pack=cut_where(p.end for p in stored))
        if problem := _passage_mismatch(derived, stored, row):
            return problem
        row += len(stored)
    if row < len(passages):
        passage = passages[row]
        return f"passage {row} ({passage.id} of {passage.source_path}) is out of place"
    return None


def _document_mismatch(
    parsed: Sequence[Document], documents: Sequence[SourceDocument]
) -> str | None:
    # The build lists the articles that have text to quote, in path order.
    expected = {d.source_path: d.citation() for d in parsed if d.blocks}
    recorded = {d.source_path: d for d in documents}
    if len(recorded) != len(documents) or list(recorded) != list(expected):
        odd = sorted(set(expected) ^ set(recorded)) or [d.source_path for d in documents]
        return f"the manifest's articles are not the indexed files ({odd[0]})"
    for source_path, citation in expected.items():
        if recorded[source_path] != citation:
            fields = _differing(citation, recorded[source_path])
            return f"the manifest's record of {source_path} is not what its text says ({fields})"
    return None


def _passage_mismatch(
    derived: Sequence[Passage], stored: Sequence[Passage], first_row: int
) -> str | None:
    for offset, (want, have) in enumerate(zip(derived, stored, strict=False)):
        if want != have:
            return (
                f"passage {first_row + offset} ({have.id} of {have.source_path}) is not what its "
                f"article's text gives ({_differing(want, have)})"
            )
    if len(derived) != len(stored):
        source_path = (stored or derived)[0].source_path
        return (
            f"{source_path} has {len(stored)} passages in the index, its text gives {len(derived)}"
        )
    return None


def _differing(want: object, have: object) -> str:
    """The names of the fields in which two records of one dataclass differ."""
    names = [
        name for name in want.__dataclass_fields__ if getattr(want, name) != getattr(have, name)
    ]
    return ", ".join(names)


def unsaid_now(
    passages: Sequence[Passage], documents: Sequence[SourceDocument], current: Mapping[str, str]
) -> frozenset[str]:
    """The ids of the passages of edited files (``current``: each one's text now) that the file no
    longer shows as the index does: under the same article record (title, short title, source)
    and, at the passage's place, the same headings. Such a passage is not quoted, even where its
    text is still there: what it would be shown under is not what the article says."""
    records = {document.source_path: document for document in documents}
    parsed: dict[str, Document | None] = {}
    for source_path, text in current.items():
        try:
            document: Document | None = parse_document(text, source_path)
        except CorpusError:
            document = None
        if document is None or records.get(source_path) != document.citation():
            document = None
        parsed[source_path] = document
    unsaid = set()
    for passage in passages:
        if passage.source_path in parsed:
            document = parsed[passage.source_path]
            if document is None or not _shown_alike(passage, document):
                unsaid.add(passage.id)
    return frozenset(unsaid)


def _shown_alike(passage: Passage, document: Document) -> bool:
    """Whether ``document`` still shows ``passage`` (at its offsets) as the build did."""
    for block in document.blocks:
        if block.start <= passage.start and passage.end <= block.end:
            section = block.headings[-1] if block.headings else None
            return (passage.doc_id, passage.title, passage.headings, passage.section) == (
                document.doc_id,
                document.title,
                block.headings,
                section,
            )
    return False
