"""End to end: ``python -m spiders.run`` against a local fixture site, WARC read back."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from mpnews.config import Source
from spiders.run import CrawlPlan, PlannedSource

SITE = Path(__file__).parent / "fixtures" / "site"
_SPECIAL = {
    "/news/renamed-post": (301, "/news/renamed-post-2020"),
    "/news/gone-offsite": (302, "http://offsite.invalid/moved"),
    "/news/category/broken": (500, None),
}
_FAST = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_START_DELAY=0", "RETRY_TIMES=1", "RETRY_BACKOFF_BASE=0"]


@dataclass
class FixtureSite:
    origin: str
    hits: list[str] = field(default_factory=list)


def _handler(site: FixtureSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.hits.append(self.path)
            path = self.path.split("?")[0]
            status, location = _SPECIAL.get(path, (200, None))
            file = _file_for(path)
            if status == 200 and file is None:
                status = 404
            body = b"<html><body>Not here</body></html>"
            if file is not None and status == 200:
                body = file.read_bytes().replace(b"http://HOST", site.origin.encode())
            self.send_response(status)
            self.send_header("Content-Type", _content_type(file))
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _file_for(path: str) -> Path | None:
    rel = path.strip("/") or "index"
    for candidate in (SITE / rel, SITE / f"{rel}.html", SITE / f"{rel}.xml"):
        if candidate.is_file() and SITE in candidate.resolve().parents:
            return candidate
    return None


def _content_type(file: Path | None) -> str:
    if file is not None and file.suffix == ".xml":
        return "application/rss+xml"
    if file is not None and file.suffix == ".txt":
        return "text/plain"
    return "text/html; charset=utf-8"


@pytest.fixture(scope="module")
def fixture_site() -> Iterator[FixtureSite]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    site = FixtureSite(origin=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


def run_crawl(source: Source, tmp: Path, *extra: str) -> tuple[int, dict, list[dict]]:
    """Run the crawl step as a subprocess; return exit code, stats and WARC records."""
    stats_out = tmp / "stats.json"
    settings = [arg for item in _FAST for arg in ("-s", item)]
    cmd = [
        sys.executable,
        "-W",
        "error::DeprecationWarning",
        "-m",
        "spiders.run",
        "--source-json",
        source.to_json(),
        "--run-id",
        "run-1",
        "--archive-dir",
        str(tmp / "archive"),
        "--stats-out",
        str(stats_out),
        "--user-agent-contact",
        "https://example.org/contact",
        "--log-file",
        str(tmp / "crawl.log"),
        *settings,
        *extra,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert "Warning" not in done.stderr, done.stderr
    stats = json.loads(stats_out.read_text()) if stats_out.exists() else {}
    warc = tmp / "archive" / source.name / "run-1.warc.gz"
    return done.returncode, stats, read_warc(warc) if warc.exists() else []


def read_warc(path: Path) -> list[dict]:
    records = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            records.append(
                {
                    "type": record.rec_type,
                    "url": record.rec_headers.get_header("WARC-Target-URI"),
                    "requested": record.rec_headers.get_header("MPNews-Requested-URL"),
                    "role": record.rec_headers.get_header("MPNews-Role"),
                    "source": record.rec_headers.get_header("MPNews-Source"),
                    "run_id": record.rec_headers.get_header("MPNews-Run-Id"),
                    "date": record.rec_headers.get_header("WARC-Date"),
                    "status": int(record.http_headers.get_statuscode()),
                    "body": record.content_stream().read(),
                }
            )
    return records


@pytest.fixture(scope="module")
def weebly_crawl(fixture_site: FixtureSite, tmp_path_factory: pytest.TempPathFactory):
    source = Source(
        name="fixture-mp", kind="mp_site", mp="An MP", start_urls=(f"{fixture_site.origin}/news",)
    )
    code, stats, records = run_crawl(source, tmp_path_factory.mktemp("crawl"))
    return fixture_site, code, stats, records


def test_every_response_archived_once_with_its_role(weebly_crawl):
    site, code, _stats, records = weebly_crawl
    o = site.origin
    assert code == 0
    got = sorted((r["url"].removeprefix(o), r["status"], r["role"]) for r in records)
    assert got == sorted(
        [
            ("/robots.txt", 200, "robots"),
            ("/news", 200, "listing"),
            ("/1/feed", 200, "feed"),
            ("/news/first-post", 200, "post"),
            ("/news/second-post", 200, "post"),
            ("/news/third-post", 200, "post"),
            ("/news/fourth-post", 200, "post"),
            ("/news/missing-post", 404, "post"),
            ("/news/renamed-post-2020", 200, "post"),
            ("/news/gone-offsite", 302, "post"),
            ("/news/previous/2", 200, "listing"),
            ("/news/archives/02-2020", 200, "listing"),
            ("/news/category/all", 200, "listing"),
            ("/news/category/broken", 500, "listing"),
        ]
    )
    assert {(r["type"], r["source"], r["run_id"]) for r in records} == {
        ("response", "fixture-mp", "run-1")
    }
    assert all(r["date"].endswith("Z") for r in records)


def test_redirect_recorded_with_requested_url(weebly_crawl):
    site, _, _, records = weebly_crawl
    renamed = next(r for r in records if r["url"].endswith("/news/renamed-post-2020"))
    assert renamed["requested"] == f"{site.origin}/news/renamed-post"
    assert b"Renamed post" in renamed["body"]


def test_robots_obeyed_and_offsite_never_requested(weebly_crawl):
    site, _, stats, _ = weebly_crawl
    assert not any(h.startswith("/private/") for h in site.hits)
    assert stats["robots_blocked"] == 1
    assert all(not h.startswith("http") for h in site.hits)


def test_server_saw_each_page_once_except_retries(weebly_crawl):
    site, *_ = weebly_crawl
    counts = {h: site.hits.count(h) for h in set(site.hits)}
    assert counts.pop("/news/category/broken") == 2  # one retry, archived once
    assert set(counts.values()) == {1}
    assert not any("utm_" in h or "#" in h for h in counts)


def test_stats_file(weebly_crawl):
    _, _, stats, records = weebly_crawl
    assert stats["pages_fetched"] == len(records) == 14
    assert stats["status_counts"] == {"200": 11, "302": 1, "404": 1, "500": 1}
    assert stats["errors"] == []
    assert stats["finish_reason"] == "finished"
    assert stats["warc_path"].endswith("fixture-mp/run-1.warc.gz")


def test_max_pages_caps_requests(fixture_site: FixtureSite, tmp_path: Path):
    source = Source(
        name="capped", kind="mp_site", mp="An MP", start_urls=(f"{fixture_site.origin}/news",)
    )
    code, stats, records = run_crawl(source, tmp_path, "--max-pages", "3")
    assert code == 0
    assert len([r for r in records if r["role"] != "robots"]) == 3
    assert stats["max_pages_reached"] is True


def test_closed_port_gives_error_stats_and_exit_zero(tmp_path: Path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    source = Source(
        name="down", kind="mp_site", mp="An MP", start_urls=(f"http://127.0.0.1:{port}/news",)
    )
    code, stats, records = run_crawl(source, tmp_path)
    assert code == 0
    assert records == []
    assert stats["pages_fetched"] == 0
    assert {"url": f"http://127.0.0.1:{port}/news", "reason": "connection refused"} in stats[
        "errors"
    ]


def test_bad_source_json_exits_non_zero(tmp_path: Path):
    cmd = [
        sys.executable,
        "-m",
        "spiders.run",
        "--source-json",
        "{not json",
        "--run-id",
        "r",
        "--archive-dir",
        str(tmp_path),
        "--stats-out",
        str(tmp_path / "s.json"),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "bad --source-json" in done.stderr


def test_a_plan_crawls_many_sources_in_one_process_each_into_its_own_archive(
    fixture_site: FixtureSite, tmp_path: Path
):
    origin = fixture_site.origin
    sources = [
        Source(name=f"mp-{i}", kind="mp_site", mp="An MP", start_urls=(f"{origin}/news",))
        for i in range(2)
    ]
    broken = Source(name="broken", kind="mp_site", mp="An MP", start_urls=(f"{origin}/news",))
    (tmp_path / "not-a-state-file").mkdir()
    planned = [PlannedSource(s.to_json(), str(tmp_path / f"{s.name}.json")) for s in sources]
    planned.append(
        PlannedSource(
            broken.to_json(),
            str(tmp_path / "broken.json"),
            state_file=str(tmp_path / "not-a-state-file"),  # this crawler cannot start
        )
    )
    plan = CrawlPlan(
        run_id="run-1",
        archive_dir=str(tmp_path / "archive"),
        sources=tuple(planned),
        settings=dict(item.split("=") for item in _FAST),
    )
    (tmp_path / "plan.json").write_text(plan.to_json(), encoding="utf-8")
    cmd = [sys.executable, "-W", "error::DeprecationWarning", "-m", "spiders.run"]
    cmd += ["--plan", str(tmp_path / "plan.json"), "--log-file", str(tmp_path / "crawl.log")]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    for source in sources:
        stats = json.loads((tmp_path / f"{source.name}.json").read_text())
        records = read_warc(tmp_path / "archive" / source.name / "run-1.warc.gz")
        assert stats["pages_fetched"] == len(records) == 14
        assert stats["finish_reason"] == "finished"
        assert {r["source"] for r in records} == {source.name}
    failed = json.loads((tmp_path / "broken.json").read_text())
    assert failed["finish_reason"].startswith("crawler failed: IsADirectoryError")
    assert failed["pages_fetched"] == 0


def test_a_source_past_its_time_limit_ends_alone(fixture_site: FixtureSite, tmp_path: Path):
    with socket.socket() as tarpit:  # accepts connections (backlog), never answers
        tarpit.bind(("127.0.0.1", 0))
        tarpit.listen(8)
        slow = Source(
            name="slow",
            kind="mp_site",
            mp="An MP",
            start_urls=(f"http://127.0.0.1:{tarpit.getsockname()[1]}/news",),
        )
        quick = Source(
            name="quick", kind="mp_site", mp="An MP", start_urls=(f"{fixture_site.origin}/news",)
        )
        plan = CrawlPlan(
            run_id="run-1",
            archive_dir=str(tmp_path / "archive"),
            sources=tuple(
                PlannedSource(s.to_json(), str(tmp_path / f"{s.name}.json")) for s in (slow, quick)
            ),
            timeout=5,
            settings=dict(item.split("=") for item in _FAST),
        )
        (tmp_path / "plan.json").write_text(plan.to_json(), encoding="utf-8")
        cmd = [sys.executable, "-m", "spiders.run", "--plan", str(tmp_path / "plan.json")]
        cmd += ["--log-file", str(tmp_path / "crawl.log")]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "slow.json").read_text())["finish_reason"] == (
        "closespider_timeout"
    )
    quick_stats = json.loads((tmp_path / "quick.json").read_text())
    assert quick_stats["finish_reason"] == "finished" and quick_stats["pages_fetched"] == 14
