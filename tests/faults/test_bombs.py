"""Bombs, one source each in one real crawl (conftest ``fault_run``): a body over the size
limit, a gzip bomb, billion-laughs and external-entity XML in a feed and a sitemap. Each is
refused at the limit with one error line; the site's other posts are stored."""

from __future__ import annotations

from fault_crawl import FaultRun
from fault_sites import gzip_bomb, post_path

_MAXSIZE = 10 * 1024 * 1024  # spiders/settings.py DOWNLOAD_MAXSIZE


def _archived(run: FaultRun, source: str, path: str) -> list[tuple[int]]:
    url = run.servers[source].url(path)
    return run.query("SELECT status FROM pages WHERE url = ?", [url])


def test_a_body_over_the_size_limit_is_refused_unread(fault_run: FaultRun) -> None:
    huge = fault_run.servers["size-bomb"].url(post_path("huge"))
    [error] = fault_run.stats("size-bomb")["errors"]
    assert error["url"] == huge
    assert error["reason"].startswith("size limit: ") and str(_MAXSIZE) in error["reason"]
    assert fault_run.asked("size-bomb", post_path("huge")) == 1  # a size limit is not retried
    assert _archived(fault_run, "size-bomb", post_path("huge")) == []
    assert fault_run.titles("size-bomb") == ["Small and fine beside a huge page"]
    assert fault_run.run_row("size-bomb")[:2] == ("succeeded", None)


def test_a_gzip_bomb_is_refused_at_the_size_limit_while_decompressing(
    fault_run: FaultRun,
) -> None:
    assert len(gzip_bomb(64)) < _MAXSIZE // 100  # small on the wire, 64 MB unpacked
    bomb = fault_run.servers["gzip-bomb"].url(post_path("bomb"))
    assert fault_run.stats("gzip-bomb")["errors"] == [
        {"url": bomb, "reason": f"size limit: over {_MAXSIZE} bytes once decompressed "
         "(DOWNLOAD_MAXSIZE)"}
    ]  # fmt: skip
    assert _archived(fault_run, "gzip-bomb", post_path("bomb")) == []
    assert fault_run.titles("gzip-bomb") == ["Small and fine beside a gzip bomb"]
    assert fault_run.run_row("gzip-bomb")[:2] == ("succeeded", None)


def test_xml_bombs_in_a_feed_and_a_sitemap_expand_nothing_and_fetch_nothing(
    fault_run: FaultRun,
) -> None:
    asked = fault_run.servers["xml-bombs"].paths()
    assert "/secret" not in asked  # the external entity was never fetched
    assert not [path for path in asked if "lol" in path]  # no entity became a URL
    assert _archived(fault_run, "xml-bombs", "/feed") == [(200,)]
    assert _archived(fault_run, "xml-bombs", "/sitemap.xml") == [(200,)]
    # the plain items beside the bombs are still read, and their posts stored
    assert fault_run.titles("xml-bombs") == [
        "Read from a bombed feed",
        "Read from a bombed sitemap",
    ]
    assert fault_run.stats("xml-bombs")["errors"] == []
