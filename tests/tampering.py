"""What an attacker with write access to INDEX_DIR does: edit the index, then make the checksums agree."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from bot.ingest.passages import passage_id


def edit_index_file(index_dir: Path, name: str, edit: Callable[[dict], dict]) -> None:
    """Rewrite each JSON line of the index file ``name`` with ``edit``, then fix its checksum."""
    rewrite_index_file(index_dir, name, lambda records: [edit(record) for record in records])


def rewrite_index_file(
    index_dir: Path, name: str, rewrite: Callable[[list[dict]], list[dict]]
) -> None:
    """Replace the JSON lines of the index file ``name`` with ``rewrite`` of them (lines may be
    added, dropped or merged), then fix its checksum."""
    manifest = json.loads((index_dir / "manifest.json").read_text())
    path = index_dir / manifest["files"][name]["path"]
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    path.write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in rewrite(lines)),
        encoding="utf-8",
    )
    agree_checksums(index_dir)


def edit_manifest_documents(index_dir: Path, edit: Callable[[dict], dict]) -> None:
    """Rewrite each article record of the manifest (title, short title, source...) with ``edit``:
    no checksum covers them, so nothing else needs to agree."""
    manifest_path = index_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["corpus"]["documents"] = [edit(record) for record in manifest["corpus"]["documents"]]
    manifest_path.write_text(json.dumps(manifest, indent=2))


def agree_checksums(index_dir: Path) -> None:
    """Make the manifest's sha256 and size of every index file match what is on disk now."""
    manifest_path = index_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for facts in manifest["files"].values():
        data = (index_dir / facts["path"]).read_bytes()
        facts["sha256"] = hashlib.sha256(data).hexdigest()
        facts["bytes"] = len(data)
    manifest_path.write_text(json.dumps(manifest, indent=2))


def replace_in_passages(index_dir: Path, old: str, new: str) -> None:
    """Edit the text of every passage holding ``old`` (offsets kept), checksums made to agree."""

    def edit(passage: dict) -> dict:
        return passage | {"text": passage["text"].replace(old, new)}

    edit_index_file(index_dir, "passages.jsonl", edit)


def replace_in_snapshot(index_dir: Path, old: str, new: str) -> None:
    """Edit the indexed corpus text too, the manifest's record of each file's sha256, and each
    passage's id (a hash of its text): the index is then what a build of the forged text gives."""

    def edit(record: dict) -> dict:
        return record | {"text": record["text"].replace(old, new)}

    edit_index_file(index_dir, "corpus.jsonl", edit)
    manifest_path = index_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    snapshot = index_dir / manifest["files"]["corpus.jsonl"]["path"]
    for line in snapshot.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        digest = hashlib.sha256(record["text"].encode("utf-8")).hexdigest()
        manifest["corpus"]["files"][record["source_path"]] = digest
    manifest_path.write_text(json.dumps(manifest, indent=2))
    rewrite_index_file(index_dir, "passages.jsonl", _with_build_ids)


def _with_build_ids(passages: list[dict]) -> list[dict]:
    seen: dict[tuple[str, str], int] = {}
    for passage in passages:
        key = (passage["doc_id"], passage["text"])
        passage["id"] = passage_id(*key, occurrence=seen.get(key, 0))
        seen[key] = seen.get(key, 0) + 1
    return passages
