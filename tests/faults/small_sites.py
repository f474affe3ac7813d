"""A tiny MP blog for the full-disk and outage tests, whose posts can be added between runs.

``BigPostSite`` serves ``/news`` listing its posts; :meth:`BigPostSite.add` adds a post whose
page carries ``pad_mib`` MiB of incompressible text in a comment, so archiving it needs that
much disk, while the post itself stays small.
"""

from __future__ import annotations

import base64
import contextlib
import io
import random
from pathlib import Path

from fault_server import Fault, FaultServer
from fault_sites import listing, post_page, post_path

__all__ = ["BigPostSite", "crawl"]


class BigPostSite:
    """The routes of one blog on ``server``; posts added later appear on its next crawl."""

    def __init__(self, server: FaultServer) -> None:
        self.server = server
        self.titles: dict[str, str] = {}
        self._publish()

    def add(self, slug: str, title: str, *, pad_mib: float = 0) -> None:
        pad = ""
        if pad_mib:
            noise = random.Random(slug).randbytes(int(pad_mib * (1 << 20)))
            pad = f"<!-- {base64.b64encode(noise).decode()} -->"
        self.server.routes[post_path(slug)] = Fault(200, post_page(title, head=pad).encode())
        self.titles[slug] = title
        self._publish()

    def _publish(self) -> None:
        self.server.routes["/news"] = Fault(200, listing(dict(self.titles)))

    def entry(self, name: str) -> str:
        """The site's ``[[source]]`` entry."""
        return (
            f'[[source]]\nname = "{name}"\nkind = "mp_site"\nmp = "Jo Bloggs"\n'
            f'start_urls = ["{self.server.origin}/news"]\n'
        )


def crawl(sources: Path, warehouse: Path) -> tuple[int, list[str]]:
    """``mpnews crawl`` as a user runs it: its exit code and the lines it wrote on stderr."""
    from mpnews.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["crawl", "--sources", str(sources), "--warehouse", str(warehouse)])
    return code, err.getvalue().splitlines()
