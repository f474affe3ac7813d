"""The registry's websites as ``[[source]]`` entries: one ``mp_site`` per MP with a website.

A party or local-party page (``site = "party"`` in the registry) holds many people's posts:
its entry is marked ``site = "party"`` so posts there are linked to MPs by mention, and its
crawl budget is smaller. Scheme-less URLs get ``https://``. The output is a sources file
(``sources/house.toml``); regenerate it after a registry edit, never edit it by hand.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from mpnews.house.facts import normalise_website
from mpnews.house.members import Mp

__all__ = ["PARTY_MAX_PAGES", "format_sources", "source_entries"]

PARTY_MAX_PAGES = 300
_HEADER = """\
# Every sitting MP's own website, one [[source]] each: generated from the MP registry
# (mpnews/data/mps.csv) by `mpnews registry sources --out sources/house.toml`. Do not edit by
# hand: fix the registry and regenerate. site = "party" marks a party or local-party page
# (posts there are linked to MPs by mention, not owned by the MP). Keys: see README.md.
"""


def source_entries(mps: Iterable[Mp]) -> list[dict[str, object]]:
    """One entry per sitting MP with a website, in registry order; names are unique slugs."""
    entries: list[dict[str, object]] = []
    taken: set[str] = set()
    for mp in mps:
        url = normalise_website(mp.website)
        if not mp.sitting or not url:
            continue
        name = _slug(mp.name)
        if name in taken:
            name = f"{name}-{mp.member_id}"
        taken.add(name)
        entries.append(_entry(mp, name, url))
    return entries


def format_sources(entries: Sequence[dict[str, object]]) -> str:
    """TOML text of ``entries`` as ``[[source]]`` tables."""
    blocks = [_HEADER]
    for entry in entries:
        lines = ["[[source]]"] + [f"{key} = {_toml(value)}" for key, value in entry.items()]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def _entry(mp: Mp, name: str, url: str) -> dict[str, object]:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    entry: dict[str, object] = {
        "name": name,
        "kind": "mp_site",
        "mp": mp.name,
        "member_id": mp.member_id,
        "start_urls": [url],
        "allowed_domains": [host],
        "family": "auto",
    }
    if mp.site == "party":
        entry["site"] = "party"
        entry["max_pages"] = PARTY_MAX_PAGES
    return {k: v for k, v in entry.items() if v is not None}


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:63] or "mp"


def _toml(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, bool | int):
        return json.dumps(value)
    return json.dumps(str(value), ensure_ascii=False)
