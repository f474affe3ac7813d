"""The shared evaluation corpus: find it, unpack it once, run the pipeline on a set, score.

The corpus lives beside the repository (``../shared/corpus``: ``*.tar.xz`` sets and the
standard-library ``score.py``); sets unpack once into ``.bench/`` at the repository root
(git-ignored) and are reused while the archive is unchanged. Scores come from the corpus's
own ``score.py`` (imported by path), so the gate, the benchmark and the published baselines
use one metric.
"""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = [
    "CACHE",
    "CORPUS",
    "SETS",
    "CorpusMissingError",
    "Page",
    "pages",
    "pipeline_dates",
    "pipeline_predictions",
    "score",
    "scorer",
    "unpack",
]

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CACHE = ROOT / ".bench"
SETS = {
    "scrapinghub_aeb": "scrapinghub_aeb.tar.xz",
    "trafilatura_eval": "adbar_eval.tar.xz",
    "htmldate_eval": "adbar_eval.tar.xz",
}
_STAMP = ".unpacked"


class CorpusMissingError(RuntimeError):
    """The evaluation corpus (archives and score.py) is not where it should be."""


@dataclass(frozen=True, slots=True)
class Page:
    """One stored page of a set with its gold row (``text``, ``date``, ``with``, ...)."""

    id: str
    path: Path
    url: str
    truth: dict[str, Any]


def unpack(set_name: str, corpus: Path = CORPUS, cache: Path = CACHE) -> Path:
    """The unpacked folder of ``set_name``; unpacks its archive first if needed."""
    archive = corpus / SETS[set_name]
    if not archive.is_file():
        raise CorpusMissingError(
            f"{archive} not found: the evaluation corpus must sit at ../shared/corpus beside "
            "the repository (scrapinghub_aeb.tar.xz, adbar_eval.tar.xz, score.py)"
        )
    folder = cache / set_name
    stamp = f"{archive.name} {archive.stat().st_size} {archive.stat().st_mtime_ns}"
    if _read(folder / _STAMP) != stamp:
        _extract(archive, cache)
    return folder


def pages(set_name: str, corpus: Path = CORPUS, cache: Path = CACHE) -> list[Page]:
    """Every page of the set, in truth.jsonl order."""
    folder = unpack(set_name, corpus, cache)
    rows = _jsonl(folder / "truth.jsonl")
    return [
        Page(r["id"], folder / "pages" / f"{r['id']}.html", r.get("url") or "", r) for r in rows
    ]


def scorer(corpus: Path = CORPUS) -> ModuleType:
    """The corpus's ``score.py`` as a module."""
    path = corpus / "score.py"
    if not path.is_file():
        raise CorpusMissingError(f"{path} not found: the evaluation corpus is incomplete")
    spec = spec_from_file_location("corpus_score", path)
    if spec is None or spec.loader is None:
        raise CorpusMissingError(f"{path}: cannot be imported")
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(
    set_pages: Iterable[Page],
    predictions: dict[str, dict[str, Any]],
    metrics: tuple[str, ...] = ("bow", "shingle4"),
    corpus: Path = CORPUS,
) -> dict[str, Any]:
    """``score.py``'s summary of ``predictions`` (``{id: {"text", "date"}}``)."""
    truth = {p.id: p.truth for p in set_pages}
    result: dict[str, Any] = scorer(corpus).score(truth, predictions, metrics)
    return result


def pipeline_predictions(
    set_pages: Iterable[Page], workers: int | None = None
) -> dict[str, dict[str, Any]]:
    """``mpnews extract --manifest`` over the pages: ``{id: {"text", "date"}}``. The first
    post of a page is its prediction; a rejected page predicts no text, and the date it
    still reports."""
    from mpnews.commands.extract import PageJob, extract_jobs

    jobs = [PageJob(p.id, p.path, p.url) for p in set_pages]
    found: dict[str, dict[str, Any]] = {}
    for record in extract_jobs(jobs, workers=workers):
        if record["id"] in found:
            continue
        if "rejected" in record:
            if record.get("published_date"):
                found[record["id"]] = {"text": None, "date": record["published_date"]}
        else:
            found[record["id"]] = {"text": record["body"], "date": record["published_date"]}
    return found


def pipeline_dates(set_pages: Iterable[Page], workers: int | None = None) -> dict[str, Any]:
    """The pipeline's dating step alone (``process.date_pages``): ``{id: {"date"}}``."""
    from pipeline.process import date_pages
    from pipeline.records import RawPage

    listed = list(set_pages)
    raw = (
        RawPage(
            p.url,
            p.url,
            200,
            (("Content-Type", "text/html"),),
            p.path.read_bytes(),
            datetime.now(UTC),
            "corpus",
            p.id,
            "post",
        )
        for p in listed
    )
    found: dict[str, Any] = {}
    for page, choice in zip(listed, date_pages(raw, workers=workers), strict=True):
        found[page.id] = {"date": choice.date.isoformat() if choice else None}
    return found


def _extract(archive: Path, cache: Path) -> None:
    """Unpack into a scratch folder, then swap each set folder in and stamp it."""
    cache.mkdir(parents=True, exist_ok=True)
    stamp = f"{archive.name} {archive.stat().st_size} {archive.stat().st_mtime_ns}"
    with tempfile.TemporaryDirectory(dir=cache, prefix=".unpack-") as scratch:
        with tarfile.open(archive) as tar:
            tar.extractall(scratch, filter="data")
        for folder in sorted(Path(scratch).iterdir()):
            target = cache / folder.name
            if target.exists():
                shutil.rmtree(target)
            folder.rename(target)
            (target / _STAMP).write_text(stamp, encoding="utf-8")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)
