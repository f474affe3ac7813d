"""Extract while crawling: pages of many sources, as the crawler archives them, on every core.

One :class:`RunStream` serves a whole run. Each source's WARC is followed with an
:class:`~pipeline.warc_tail.ArchiveTail`; pages go to one pool of worker processes in chunks of
one source each, and only a bounded number of chunks is ever in flight, so pages wait on
disk (in the archive, where they are anyway), never in memory, however fast the crawl. Results
are spilled to a small file per source as they come back; when a source's crawl has ended and
its last chunk is back, :meth:`RunStream.step` hands back its :class:`RunExtract`, built with
exactly the steps :func:`pipeline.ingest.extract_run` applies to a finished archive (pages in
archive order, ``collapse``, ``finalise_post``), so a crawl and a reprocess give the same
warehouse. Memory is bounded by the chunks in flight plus one source's results.

Sources whose crawl has ended are served first, then the others in the order they were
added, so sources finish one after another instead of all at the end.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from mpnews.config import Source
from pipeline.ingest import RunExtract, finalise_post, page_seen
from pipeline.post_identity import collapse
from pipeline.process import CHUNK_SIZE, CHUNKS_IN_FLIGHT_PER_WORKER, extract_many
from pipeline.records import PageSeen, Post, RawPage, Rejected
from pipeline.warc_tail import ArchiveTail

__all__ = ["RunStream", "SourceExtract", "StreamCounts"]

_NOT_MODIFIED = 304
Work = Callable[[list[RawPage]], list[Post | Rejected]]


@dataclass(frozen=True, slots=True)
class SourceExtract:
    """One source's extraction, once its crawl has ended: what it produced, or why it failed."""

    source: Source
    extracted: RunExtract | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class StreamCounts:
    """Where a run's pages are: read from the archive, extracted, and chunks in flight."""

    pages_archived: int
    pages_read: int
    pages_extracted: int
    chunks_in_flight: int
    sources_done: int


@dataclass(slots=True)
class _SourceState:
    source: Source
    tail: ArchiveTail
    spill: Path
    crawl_ended: bool = False
    next_chunk: int = 0
    in_flight: int = 0
    pending: list[RawPage] = field(default_factory=list)
    error: str | None = None

    def drained(self) -> bool:
        return self.crawl_ended and self.in_flight == 0 and not self.pending


class RunStream:
    """Streams many sources' archived pages through one pool of extraction workers.

    ``workers`` processes (``None``: every core; ``1``: in this process, for tests and small
    runs); at most ``workers * chunks_per_worker`` chunks of ``chunk_size`` pages in flight.
    """

    def __init__(
        self,
        spill_dir: str | Path,
        *,
        workers: int | None = None,
        chunk_size: int = CHUNK_SIZE,
        chunks_per_worker: int = CHUNKS_IN_FLIGHT_PER_WORKER,
    ) -> None:
        self.spill_dir = Path(spill_dir)
        self.spill_dir.mkdir(parents=True, exist_ok=True)
        self.workers = workers or os.cpu_count() or 1
        self.chunk_size = chunk_size
        self.limit = max(1, self.workers * chunks_per_worker)
        self._pool: ProcessPoolExecutor | None = None
        self._sources: dict[str, _SourceState] = {}
        self._futures: dict[Future[list[Post | Rejected]], tuple[str, int, int]] = {}
        self._inline: list[tuple[str, int, list[Post | Rejected] | BaseException]] = []
        self.pages_read = 0
        self._archived_gone = 0  # pages archived by sources no longer followed
        self.pages_extracted = 0
        self.sources_done = 0
        self.max_in_flight = 0  # the most chunks ever in flight (bounded by ``limit``)

    def add(self, source: Source, warc_path: str | Path) -> None:
        """Follow ``source``'s archive at ``warc_path`` (it may not exist yet)."""
        spill = self.spill_dir / f"{source.name}.results.pickle"
        spill.unlink(missing_ok=True)
        self._sources[source.name] = _SourceState(source, ArchiveTail(warc_path), spill)

    def crawl_ended(self, name: str) -> None:
        """``name``'s crawl is over: once its archive is read, its results can be handed back."""
        self._sources[name].crawl_ended = True

    def drop(self, name: str) -> None:
        """Forget ``name`` (its crawl failed): its chunks in flight are discarded."""
        state = self._sources.pop(name, None)
        if state is not None:
            self._archived_gone += state.tail.archived
            state.tail.close()
            state.spill.unlink(missing_ok=True)

    @property
    def active(self) -> int:
        """Sources still followed."""
        return len(self._sources)

    def counts(self) -> StreamCounts:
        archived = self._archived_gone + sum(s.tail.archived for s in self._sources.values())
        return StreamCounts(
            archived, self.pages_read, self.pages_extracted, len(self._futures), self.sources_done
        )

    def step(self, timeout: float = 0.2) -> list[SourceExtract]:
        """Read, submit and collect what is ready (waiting up to ``timeout`` for a result);
        the sources finished meanwhile, with everything they produced."""
        for state in self._sources.values():
            state.tail.poll()
        self._submit_ready()
        self._collect(timeout)
        self._submit_ready()
        return [self._finish(name) for name in self._finished()]

    def close(self) -> None:
        for state in self._sources.values():
            state.tail.close()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> RunStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _order(self) -> list[_SourceState]:
        states = list(self._sources.values())
        return [s for s in states if s.crawl_ended] + [s for s in states if not s.crawl_ended]

    def _submit_ready(self) -> None:
        for state in self._order():
            while len(self._futures) < self.limit:
                room = self.chunk_size - len(state.pending)
                if room > 0:
                    self._note_pages(state, state.tail.read(room))
                if not state.pending:
                    break
                full = len(state.pending) >= self.chunk_size
                if not (full or state.crawl_ended or self._idle()):
                    break
                self._submit(state)
            if len(self._futures) >= self.limit:
                return

    def _idle(self) -> bool:
        """Workers would otherwise wait: send a partial chunk."""
        return len(self._futures) < self.workers

    def _note_pages(self, state: _SourceState, pages: list[RawPage]) -> None:
        if not pages:
            return
        self.pages_read += len(pages)
        _spill(state.spill, ("pages", [page_seen(p, state.tail.warc_path) for p in pages]))
        # a 304 has no body: its 200 copy was read in an earlier run
        state.pending.extend(p for p in pages if p.status != _NOT_MODIFIED)

    def _submit(self, state: _SourceState) -> None:
        chunk, state.pending = state.pending, []
        index, state.next_chunk = state.next_chunk, state.next_chunk + 1
        state.in_flight += 1
        source = state.source
        work: Work = partial(extract_many, locale=source.locale, family=source.family)
        if self.workers <= 1:
            try:
                self._inline.append((source.name, index, work(chunk)))
            except Exception as exc:  # noqa: BLE001 - fails this source, not the run
                self._inline.append((source.name, index, exc))
            self.pages_extracted += len(chunk)
            return
        future = self._executor().submit(work, chunk)
        self._futures[future] = (source.name, index, len(chunk))
        self.max_in_flight = max(self.max_in_flight, len(self._futures))

    def _collect(self, timeout: float) -> None:
        done: list[tuple[str, int, list[Post | Rejected] | BaseException]] = self._inline
        self._inline = []
        if not self._futures and not done:
            time.sleep(timeout)  # nothing in flight: wait for the crawler to archive more
        if self._futures:
            finished, _ = wait(list(self._futures), timeout=timeout, return_when=FIRST_COMPLETED)
            for future in finished:
                name, index, size = self._futures.pop(future)
                self.pages_extracted += size
                error = future.exception()
                done.append((name, index, error if error is not None else future.result()))
                if isinstance(error, BrokenProcessPool):  # a worker died: start a new pool
                    self._pool = None
        for name, index, results in done:
            state = self._sources.get(name)
            if state is None:  # dropped meanwhile
                continue
            state.in_flight -= 1
            if isinstance(results, BaseException):
                state.error = state.error or _describe(results)
            else:
                _spill(state.spill, ("chunk", index, results))

    def _finished(self) -> list[str]:
        for state in self._sources.values():
            if state.crawl_ended:
                state.tail.poll()
        return [n for n, s in self._sources.items() if s.drained() and not s.tail.unread]

    def _finish(self, name: str) -> SourceExtract:
        state = self._sources.pop(name)
        self._archived_gone += state.tail.archived
        state.tail.close()
        self.sources_done += 1
        if state.error is not None:
            state.spill.unlink(missing_ok=True)
            return SourceExtract(state.source, None, state.error)
        pages: list[PageSeen] = []
        chunks: dict[int, list[Post | Rejected]] = {}
        for item in _unspill(state.spill):
            if item[0] == "pages":
                pages.extend(item[1])
            else:
                chunks[item[1]] = item[2]
        state.spill.unlink(missing_ok=True)
        results = [r for i in sorted(chunks) for r in chunks[i]]
        posts = [r for r in results if isinstance(r, Post)]
        rejections = tuple(r for r in results if isinstance(r, Rejected))
        final = tuple(finalise_post(p, state.source) for p in collapse(posts))
        return SourceExtract(state.source, RunExtract(final, rejections, tuple(pages)))

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context(
                "forkserver" if "forkserver" in methods else "spawn"
            )
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._pool


def _spill(path: Path, item: tuple[Any, ...]) -> None:
    with open(path, "ab") as handle:
        pickle.dump(item, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _unspill(path: Path) -> Iterator[tuple[Any, ...]]:
    if not path.is_file():
        return
    with open(path, "rb") as handle:
        while True:
            try:
                yield pickle.load(handle)
            except EOFError:
                return


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:500]
