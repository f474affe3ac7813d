"""Run ``extract_page`` over a stream of pages on every core, with flat memory.

Pages go to worker processes in chunks; only a bounded number of chunks is in flight,
so a large archive streams through. Results come back in input order. Workers start
with ``forkserver`` (``spawn`` where that is missing), never plain ``fork``, so no
parent state (open WARCs, Prefect clients, threads) leaks into them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from itertools import islice
from typing import TypeVar

from pipeline.dating import DateChoice
from pipeline.extract import date_page, extract_page
from pipeline.records import Post, RawPage, Rejected

__all__ = ["date_pages", "extract_many", "process_pages"]

CHUNK_SIZE = 16
CHUNKS_IN_FLIGHT_PER_WORKER = 2
T = TypeVar("T")


def process_pages(
    pages: Iterable[RawPage],
    *,
    locale: str = "en-GB",
    family: str = "auto",
    workers: int | None = None,
    then: Callable[[Post], Post] | None = None,
) -> Iterator[Post | Rejected]:
    """Every post and rejection from ``pages``, in input order. ``workers=1`` runs inline.

    ``then`` (a picklable function, e.g. a ``functools.partial`` of a module-level one) is
    applied to each post inside the worker that extracted it.
    """
    yield from _run(partial(extract_many, locale=locale, family=family, then=then), pages, workers)


def date_pages(
    pages: Iterable[RawPage],
    *,
    locale: str = "en-GB",
    family: str = "auto",
    workers: int | None = None,
) -> Iterator[DateChoice | None]:
    """The dating step alone (``extract.date_page``) for each page, in input order."""
    yield from _run(partial(_date_many, locale=locale, family=family), pages, workers)


def extract_many(
    pages: Iterable[RawPage],
    *,
    locale: str = "en-GB",
    family: str = "auto",
    then: Callable[[Post], Post] | None = None,
) -> list[Post | Rejected]:
    """Extract a batch of pages in this process; flat list of posts and rejections."""
    results: list[Post | Rejected] = []
    for page in pages:
        found = extract_page(page, locale=locale, family=family)
        if isinstance(found, Rejected):
            results.append(found)
        elif then is None:
            results.extend(found)
        else:
            results.extend(then(post) for post in found)
    return results


def _date_many(pages: Iterable[RawPage], *, locale: str, family: str) -> list[DateChoice | None]:
    return [date_page(page, locale=locale, family=family) for page in pages]


def _run(
    work: Callable[[list[RawPage]], list[T]], pages: Iterable[RawPage], workers: int | None
) -> Iterator[T]:
    count = workers or os.cpu_count() or 1
    if count <= 1:
        for chunk in _chunks(pages, CHUNK_SIZE):
            yield from work(chunk)
        return
    context = multiprocessing.get_context(_start_method())
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        yield from _pooled(pool, work, pages, count * CHUNKS_IN_FLIGHT_PER_WORKER)


def _pooled(
    pool: ProcessPoolExecutor,
    work: Callable[[list[RawPage]], list[T]],
    pages: Iterable[RawPage],
    limit: int,
) -> Iterator[T]:
    pending: deque[Future[list[T]]] = deque()
    for chunk in _chunks(pages, CHUNK_SIZE):
        pending.append(pool.submit(work, chunk))
        if len(pending) >= limit:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def _chunks(pages: Iterable[RawPage], size: int) -> Iterator[list[RawPage]]:
    iterator = iter(pages)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _start_method() -> str:
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"
