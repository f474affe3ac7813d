"""Follow a WARC the crawler is still writing: each page once, as soon as its record is whole.

The crawler appends each record to the WARC, flushes it, and only then lists its offset in the
index beside it (``<run>.index.jsonl``, :func:`spiders.incremental.index_path`): a listed record
is complete, so reading only listed records never meets a half-written one.
"""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path
from typing import IO

from pipeline.records import RawPage
from pipeline.warc import read_response_at
from spiders.incremental import index_path

__all__ = ["ArchiveTail"]


class ArchiveTail:
    """The pages of one growing WARC, in archive order, each once.

    ``poll`` notes the records listed since the last poll (``archived`` counts them); ``read``
    returns up to ``limit`` of the noted records not yet read. A missing file is an empty one.
    """

    def __init__(self, warc_path: str | Path) -> None:
        self.warc_path = Path(warc_path)
        self._index_path = index_path(self.warc_path)
        self._index: IO[bytes] | None = None
        self._partial = b""
        self._offsets: deque[int] = deque()
        self.archived = 0

    @property
    def unread(self) -> int:
        return len(self._offsets)

    def poll(self) -> int:
        """Note records listed since the last poll; how many there were."""
        if self._index is None:
            try:
                self._index = open(self._index_path, "rb")  # noqa: SIM115 - kept open to tail
            except FileNotFoundError:
                return 0
        before = len(self._offsets)
        while line := self._index.readline():
            if not line.endswith(b"\n"):  # the crawler is mid-line: read it whole next time
                self._partial += line
                break
            line, self._partial = self._partial + line, b""
            if line.strip():
                self._offsets.append(int(json.loads(line)["offset"]))
        added = len(self._offsets) - before
        self.archived += added
        return added

    def read(self, limit: int | None = None) -> list[RawPage]:
        """Up to ``limit`` archived pages not read yet, in archive order."""
        self.poll()
        count = len(self._offsets) if limit is None else min(limit, len(self._offsets))
        pages = []
        for _ in range(max(0, count)):
            response = read_response_at(self.warc_path, self._offsets.popleft())
            if response is not None:
                pages.append(response.to_page())
        return pages

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
