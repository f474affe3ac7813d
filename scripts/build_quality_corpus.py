"""Regenerate the compact evaluation set in tests/quality/corpus/ from the full corpus.

    python scripts/build_quality_corpus.py [--corpus ../shared/corpus] [--out tests/quality/corpus]

The full corpus (``../shared/corpus``, for ``make bench``) has 181 + 990 + 1000 pages; the
quality gate runs on a fixed, seeded subset of each set that ships inside the repository, so
``make test`` needs nothing beside it. The subset is the first pages of each set in the order
of a hash of their id (deterministic, unrelated to content), skipping pages over
``MAX_PAGE_BYTES`` to keep the archives small. Archives keep the full corpus's names and layout
(``scrapinghub_aeb.tar.xz``; ``adbar_eval.tar.xz`` with ``trafilatura_eval/`` and
``htmldate_eval/``), beside the corpus's ``score.py``, so one loader reads both. After
regenerating, measure the floors again (``python benchmarks/quality.py --corpus
tests/quality/corpus``) and update ``tests/quality/floors.toml``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: set -> (archive, pages to keep, the gold a kept page must have)
PLAN: dict[str, tuple[str, int, str]] = {
    "scrapinghub_aeb": ("scrapinghub_aeb.tar.xz", 60, "text"),
    "trafilatura_eval": ("adbar_eval.tar.xz", 150, "with"),
    "htmldate_eval": ("adbar_eval.tar.xz", 150, "date"),
}
MAX_PAGE_BYTES = 250_000
SEED = b"mpnews-quality-gate-v1"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "quality" / "corpus")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        full = Path(scratch)
        for archive in sorted({a for a, _, _ in PLAN.values()}):
            with tarfile.open(args.corpus / archive) as tar:
                tar.extractall(full, filter="data")
        for archive in sorted({a for a, _, _ in PLAN.values()}):
            sets = [name for name, (a, _, _) in PLAN.items() if a == archive]
            _write_archive(args.out / archive, [_subset(full / name, name) for name in sets])
    shutil.copyfile(args.corpus / "score.py", args.out / "score.py")
    for name, (archive, _, _) in PLAN.items():
        print(f"{name}: {PLAN[name][1]} pages -> {args.out / archive}")


def _subset(folder: Path, name: str) -> tuple[str, list[dict[str, Any]], Path]:
    _, keep, gold = PLAN[name]
    rows = [r for r in _jsonl(folder / "truth.jsonl") if r.get(gold)]
    rows.sort(key=lambda r: hashlib.blake2b(SEED + r["id"].encode(), digest_size=8).digest())
    chosen = [r for r in rows if _size(folder, r) <= MAX_PAGE_BYTES][:keep]
    chosen.sort(key=lambda r: r["id"])
    return name, chosen, folder


def _size(folder: Path, row: dict[str, Any]) -> int:
    return (folder / "pages" / f"{row['id']}.html").stat().st_size


def _write_archive(path: Path, sets: list[tuple[str, list[dict[str, Any]], Path]]) -> None:
    """A reproducible tar.xz: sorted members, fixed times and owners."""
    with tarfile.open(path, "w:xz", preset=9) as tar:
        for name, rows, folder in sets:
            note = _readme(name, len(rows), folder)
            _add(tar, f"{name}/README.md", note.encode("utf-8"))
            truth = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
            _add(tar, f"{name}/truth.jsonl", truth.encode("utf-8"))
            for row in rows:
                page = (folder / "pages" / f"{row['id']}.html").read_bytes()
                _add(tar, f"{name}/pages/{row['id']}.html", page)


def _readme(name: str, kept: int, folder: Path) -> str:
    upstream = (folder / "README.md").read_text(encoding="utf-8")
    return (
        f"{upstream.rstrip()}\n\n## Compact subset\n\n{kept} pages of this set, chosen by "
        f"scripts/build_quality_corpus.py (seeded hash order of the id, pages up to "
        f"{MAX_PAGE_BYTES} bytes), for the repository's quality gate.\n"
    )


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), 0, 0o644
    tar.addfile(info, io.BytesIO(data))


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


if __name__ == "__main__":
    main()
