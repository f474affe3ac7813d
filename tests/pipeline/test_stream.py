"""Extract while crawling: pages of growing archives, through a bounded pool, per source."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from pipeline_pages import make_raw_page

import pipeline.stream
from mpnews.config import Source
from pipeline.ingest import extract_run
from pipeline.records import RawPage
from pipeline.stream import RunStream, SourceExtract
from pipeline.warc import write_pages
from pipeline.warc_tail import ArchiveTail
from spiders.incremental import index_path

WORDS = ("council", "housing", "budget", "school", "hospital", "rail", "funding", "library")


def source(name: str) -> Source:
    return Source(
        name=name, kind="mp_site", mp="Jo Bloggs", start_urls=(f"https://{name}.example/",)
    )


def post_page(name: str, n: int) -> RawPage:
    rng = random.Random(f"{name}:{n}")
    paragraphs = "".join(
        f"<p>{' '.join(rng.choice(WORDS) for _ in range(60)).capitalize()}.</p>" for _ in range(4)
    )
    html = (
        f"<html><head><title>Post {n} of {name}</title>"
        f'<meta property="article:published_time" content="2024-03-{1 + n % 28:02d}"></head>'
        f"<body><article><h1>Post {n} of {name}</h1>{paragraphs}</article></body></html>"
    )
    return make_raw_page(html, f"https://{name}.example/2024/03/post-{n}/", source=name)


class GrowingArchive:
    """Writes a WARC the way the crawler does: each record whole, then its line in the index."""

    def __init__(self, folder: Path, name: str) -> None:
        self.warc = folder / name / "run-1.warc.gz"
        self.warc.parent.mkdir(parents=True, exist_ok=True)
        self._scratch = folder / f"{name}.one.warc.gz"

    def add(self, *pages: RawPage) -> None:
        for page in pages:
            record = write_pages(self._scratch, [page]).read_bytes()
            offset = self.warc.stat().st_size if self.warc.exists() else 0
            with self.warc.open("ab") as warc:
                warc.write(record)
            with index_path(self.warc).open("a", encoding="utf-8") as index:
                index.write(json.dumps({"offset": offset}) + "\n")


def run_to_end(stream: RunStream, rounds: int = 500) -> list[SourceExtract]:
    finished: list[SourceExtract] = []
    for _ in range(rounds):
        finished += stream.step(0.05)
        if not stream.active:
            return finished
    raise AssertionError("the stream never finished")


def test_a_growing_archive_gives_what_extract_run_gives_on_the_finished_one(
    tmp_path: Path,
) -> None:
    archive, src = GrowingArchive(tmp_path, "alpha"), source("alpha")
    archive.add(*(post_page("alpha", n) for n in range(6)))
    with RunStream(tmp_path / "spill", workers=1) as stream:
        stream.add(src, archive.warc)
        assert stream.step(0.01) == []  # the crawl goes on: nothing handed back yet
        archive.add(*(post_page("alpha", n) for n in range(6, 11)))
        assert stream.step(0.01) == []
        stream.crawl_ended("alpha")
        (done,) = run_to_end(stream)
    expected = extract_run([archive.warc], source=src, workers=1)
    assert done.error is None and done.extracted == expected
    assert len(expected.posts) == 11 and len(expected.pages) == 11


def test_pages_in_memory_stay_bounded_however_big_the_archive(tmp_path: Path) -> None:
    archive = GrowingArchive(tmp_path, "big")
    archive.add(*(post_page("big", n) for n in range(96)))
    chunk, limit = 4, 2  # two workers, one chunk each in flight
    with RunStream(tmp_path / "spill", workers=2, chunk_size=chunk, chunks_per_worker=1) as stream:
        stream.add(source("big"), archive.warc)
        stream.crawl_ended("big")
        first = stream.step(0.01)
        assert first == [] and stream.counts().pages_read <= limit * chunk + chunk < 96
        finished = list(first)
        for _ in range(2000):
            counts = stream.counts()
            assert counts.pages_read - counts.pages_extracted <= limit * chunk + chunk
            assert counts.chunks_in_flight <= limit
            finished += stream.step(0.05)
            if not stream.active:
                break
    assert stream.max_in_flight <= limit
    (done,) = finished
    assert done.extracted is not None and len(done.extracted.posts) == 96
    assert stream.counts().pages_extracted == 96


def test_a_source_is_handed_back_as_soon_as_its_crawl_ends(tmp_path: Path) -> None:
    slow, quick = GrowingArchive(tmp_path, "slow"), GrowingArchive(tmp_path, "quick")
    slow.add(*(post_page("slow", n) for n in range(8)))
    quick.add(*(post_page("quick", n) for n in range(8)))
    with RunStream(tmp_path / "spill", workers=2, chunk_size=4, chunks_per_worker=1) as stream:
        stream.add(source("slow"), slow.warc)  # still crawling
        stream.add(source("quick"), quick.warc)
        stream.crawl_ended("quick")
        first: list[SourceExtract] = []
        for _ in range(500):
            first += stream.step(0.05)
            if first:
                break
        assert [d.source.name for d in first] == ["quick"] and stream.active == 1
        stream.crawl_ended("slow")
        (last,) = run_to_end(stream)
    assert last.source.name == "slow" and last.extracted is not None
    assert len(last.extracted.posts) == 8


def test_an_extraction_error_fails_its_source_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, bad = GrowingArchive(tmp_path, "good"), GrowingArchive(tmp_path, "bad")
    good.add(post_page("good", 1))
    bad.add(post_page("bad", 1))
    real = pipeline.stream.extract_many

    def extract_many(pages: list[RawPage], **kwargs: object) -> object:
        if pages[0].source == "bad":
            raise ValueError("parser exploded")
        return real(pages, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline.stream, "extract_many", extract_many)
    with RunStream(tmp_path / "spill", workers=1) as stream:
        for name, archive in (("good", good), ("bad", bad)):
            stream.add(source(name), archive.warc)
            stream.crawl_ended(name)
        done = {d.source.name: d for d in run_to_end(stream)}
    assert done["bad"].extracted is None
    assert done["bad"].error == "ValueError: parser exploded"
    assert done["good"].error is None and done["good"].extracted is not None
    assert len(done["good"].extracted.posts) == 1


def test_a_dropped_source_is_never_handed_back(tmp_path: Path) -> None:
    archive = GrowingArchive(tmp_path, "gone")
    archive.add(post_page("gone", 1))
    with RunStream(tmp_path / "spill", workers=1) as stream:
        stream.add(source("gone"), archive.warc)
        stream.step(0.01)
        stream.drop("gone")
        assert stream.step(0.01) == [] and not stream.active
    assert stream.counts().pages_archived == 1
    assert not list((tmp_path / "spill").iterdir())  # its spilled results are gone too


def test_the_tail_reads_only_whole_index_lines(tmp_path: Path) -> None:
    archive = GrowingArchive(tmp_path, "tail")
    tail = ArchiveTail(archive.warc)
    assert tail.read() == []  # nothing written yet
    archive.add(post_page("tail", 1))
    index = index_path(archive.warc)
    line = index.read_bytes()
    index.write_bytes(line[:5])  # the crawler is mid-line
    assert tail.poll() == 0
    with index.open("ab") as handle:
        handle.write(line[5:])
    (page,) = tail.read()
    assert page.url.endswith("/post-1/") and tail.archived == 1 and tail.read() == []
    tail.close()
