"""One source's run, from archive to final posts: stream pages, extract on every core,
collapse repeats, then attach ids, fingerprints, MPs and topics.

``extract_run`` is what both a fresh crawl and a re-process of the archive call, so both give
the same warehouse.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from mpnews.config import Source
from pipeline.categorise import categorise
from pipeline.mps import find_mps, load_registry, primary_mp
from pipeline.post_identity import collapse, content_hash, post_id
from pipeline.process import process_pages
from pipeline.records import PageSeen, Post, RawPage, Rejected
from pipeline.warc import iter_pages

__all__ = ["RunExtract", "extract_run", "finalise_post"]

_NOT_MODIFIED = 304


@dataclass(frozen=True, slots=True)
class RunExtract:
    """Everything one run of one source produced."""

    posts: tuple[Post, ...]
    rejections: tuple[Rejected, ...]
    pages: tuple[PageSeen, ...]


def extract_run(
    warc_paths: Iterable[Path], *, source: Source, workers: int | None = None
) -> RunExtract:
    """Stream the archive through extraction; keep only small records in memory."""
    pages: list[PageSeen] = []
    posts: list[Post] = []
    rejections: list[Rejected] = []
    stream = _recording(warc_paths, source.name, pages)
    for result in process_pages(
        stream, locale=source.locale, family=source.family, workers=workers
    ):
        (rejections if isinstance(result, Rejected) else posts).append(result)  # type: ignore[arg-type]
    final = tuple(finalise_post(p, source) for p in collapse(posts))
    return RunExtract(final, tuple(rejections), tuple(pages))


def finalise_post(post: Post, source: Source) -> Post:
    """Attach the stable id, the body fingerprint, kind, MPs and topics."""
    mentions = find_mps(post.title, post.body)
    site_mp = _site_owner(source)
    mentioned = tuple((m.mp, "mentioned") for m in mentions if m.mp != site_mp)
    if site_mp:
        owner: str | None = site_mp
        mps = ((site_mp, "author"), *mentioned)
    else:
        owner = primary_mp(mentions)
        mps = mentioned
    return dataclasses.replace(
        post,
        post_id=post_id(post.url),
        content_hash=post.content_hash or content_hash(post.body),
        kind=source.kind,
        mp=owner,
        mps=mps,
        topics=categorise(post.categories, post.title, post.body),
    )


def _site_owner(source: Source) -> str | None:
    """The MP who owns every post of an MP's own site (by ``member_id`` when the source gives
    one, so a renamed MP keeps their posts); None for news sites and party pages, whose posts
    are linked by mention."""
    if source.kind != "mp_site" or not source.mp or source.site == "party":
        return None
    mp = load_registry().by_member_id(source.member_id) if source.member_id else None
    return mp.name if mp else source.mp


def _recording(warc_paths: Iterable[Path], source: str, seen: list[PageSeen]) -> Iterator[RawPage]:
    for path in warc_paths:
        for page in iter_pages(path):
            if page.source and page.source != source:
                continue
            seen.append(_page_seen(page, path))
            if page.status != _NOT_MODIFIED:  # a 304 has no body: its 200 copy was read before
                yield page


def _page_seen(page: RawPage, path: Path) -> PageSeen:
    return PageSeen(
        run_id=page.run_id,
        source=page.source,
        url=page.url,
        final_url=page.final_url,
        status=page.status,
        role=page.role,
        content_type=page.content_type,
        fetched_at=page.fetched_at,
        warc_file=path.name,
    )
