"""WARC round trip: what the spiders write is what the one reader streams back."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_pages import make_raw_page
from warcio.archiveiterator import ArchiveIterator

from pipeline.records import RawPage
from pipeline.warc import iter_pages, iter_responses, read_response_at, write_pages


@pytest.mark.parametrize("name", ["run.warc.gz", "run.warc"])
def test_round_trip(tmp_path: Path, name: str) -> None:
    pages = [
        make_raw_page("<p>caf\u00e9</p>", "https://example.org/a", role="post"),
        make_raw_page(b"", "https://example.org/missing", status=404, role="other"),
        make_raw_page(
            b"User-agent: *",
            "https://example.org/robots.txt",
            role="robots",
            content_type="text/plain",
        ),
    ]
    path = write_pages(tmp_path / name, pages)
    assert list(iter_pages(path)) == pages


def test_headers_the_spiders_use(tmp_path: Path) -> None:
    page = make_raw_page("<p>x</p>", "https://example.org/final", role="listing")
    page = RawPage(
        **{
            **{f: getattr(page, f) for f in RawPage.__slots__},
            "url": "https://example.org/requested",
        }
    )
    path = write_pages(tmp_path / "run.warc.gz", [page])
    with open(path, "rb") as stream:
        [record] = [r for r in ArchiveIterator(stream) if r.rec_type == "response"]
        headers = record.rec_headers
        assert headers.get_header("WARC-Target-URI") == "https://example.org/final"
        assert headers.get_header("MPNews-Requested-URL") == "https://example.org/requested"
        assert headers.get_header("MPNews-Role") == "listing"
        assert headers.get_header("MPNews-Source") == "test-source"
        assert headers.get_header("MPNews-Run-Id") == "run-1"
    [back] = iter_pages(path)
    assert back.url == "https://example.org/requested" and back.final_url == page.final_url


def test_a_record_is_read_again_at_its_offset(tmp_path: Path) -> None:
    pages = [
        make_raw_page(f"<p>page {i}</p>", f"https://example.org/{i}", role="post") for i in range(3)
    ]
    path = write_pages(tmp_path / "run.warc.gz", pages)
    listed = list(iter_responses(path, bodies=False))
    assert [r.final_url for r in listed] == [p.final_url for p in pages]
    assert all(r.body == b"" for r in listed)
    again = read_response_at(path, listed[2].offset)
    assert again is not None and again.to_page() == pages[2]
    assert again.header("content-type") == again.header("Content-Type") is not None


def test_an_offset_past_the_end_reads_nothing(tmp_path: Path) -> None:
    path = write_pages(tmp_path / "run.warc", [make_raw_page("<p>x</p>", "https://example.org/")])
    assert read_response_at(path, path.stat().st_size) is None
