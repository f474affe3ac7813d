"""A deterministic mirror of MP blogs and news sites, for benchmarks that crawl at scale.

    from mirror import build_mirror, free_port       # benchmarks/ on sys.path
    from _nginx import serve_mirror

    mirror = build_mirror(Path(tmp), pages=2000, mp_sites=40, port=free_port())
    mirror.write_sources(Path(tmp) / "sources.toml")
    with serve_mirror(mirror, Path(tmp) / "nginx"):
        ...  # mpnews crawl --sources tmp/sources.toml

Every site lives on its own loopback address (``127.0.1.1``, ``127.0.1.2``, ...: all of
127.0.0.0/8 is loopback on Linux), so a crawler sees one host per site. MP blogs alternate
Weebly and WordPress markup; news sites have sitemap indexes (at most ``news_cap`` articles
each). Post text is real (paragraphs and titles of the shared corpus's pages, see
``_mirror_text``); the same arguments always give the same files, bar the port in URLs.
"""

from __future__ import annotations

import csv
import json
import random
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

import _corpus
import _mirror_markup as markup
from _mirror_text import TextPool, load_pool

__all__ = ["Mirror", "MirrorSite", "build_mirror", "free_port", "plan_sizes"]

FIRST_ADDRESS = "127.0.1.1"
_REGISTRY = _corpus.ROOT.parent / "shared" / "registry" / "mps_current.csv"
_NEWEST = datetime(2024, 6, 28, 18, 0, tzinfo=UTC)
_MP_CATEGORIES = (
    "Local News",
    "Parliament",
    "Health",
    "Housing",
    "Transport",
    "Education",
    "Environment",
    "Cost of Living",
    "Campaigns",
    "Surgeries",
    "Policing",
    "Business",
)
_NEWS_TOPICS = (
    "UK Politics",
    "House of Commons",
    "Conservatives",
    "Labour",
    "Liberal Democrats",
    "General Election",
    "Economy",
    "NHS",
    "Immigration",
)
_NEWS_NAMES = (
    "The Westminster Chronicle",
    "The Daily Record of Politics",
    "The Evening Gazette",
    "The National Courier",
    "The Parliamentary Post",
    "The Sunday Observer Online",
)
_AUTHORS = ("Political Staff", "Westminster Correspondent", "Political Editor", "Chief Reporter")


@dataclass(frozen=True, slots=True)
class MirrorSite:
    """One site of the mirror: where it is served and what a complete crawl of it fetches."""

    name: str
    family: str  # "weebly" | "wordpress" | "news"
    kind: str  # "mp_site" | "news_site"
    mp: str | None
    address: str
    port: int
    root: Path
    post_urls: tuple[str, ...]
    post_files: tuple[Path, ...]
    requests: int  # pages a complete crawl requests, robots.txt included

    @property
    def origin(self) -> str:
        return f"http://{self.address}:{self.port}"

    def source_entry(self) -> dict[str, object]:
        """The ``[[source]]`` entry a data team would write for this site."""
        entry: dict[str, object] = {"name": self.name, "kind": self.kind}
        if self.mp:
            entry["mp"] = self.mp
        if self.family == "weebly":
            entry["start_urls"] = [f"{self.origin}/news"]
            entry["feeds"] = [f"{self.origin}/1/feed"]
        elif self.family == "wordpress":
            entry["start_urls"] = [f"{self.origin}/"]
            entry["feeds"] = [f"{self.origin}/feed/"]
        else:
            entry["start_urls"] = [f"{self.origin}/news/uk/politics"]
            entry["feeds"] = [f"{self.origin}/news/uk/politics/rss"]
            entry["sitemaps"] = [f"{self.origin}/sitemap.xml"]
        return entry


@dataclass(frozen=True, slots=True)
class Mirror:
    """A built mirror: its folder and its sites."""

    root: Path
    sites: tuple[MirrorSite, ...]

    @property
    def post_count(self) -> int:
        return sum(len(s.post_urls) for s in self.sites)

    def busiest(self) -> MirrorSite:
        """The site a complete crawl needs the most requests for."""
        return max(self.sites, key=lambda s: s.requests)

    def write_sources(self, path: Path) -> Path:
        """A sources.toml listing every site (TOML written by hand: strings and lists only)."""
        blocks = []
        for site in self.sites:
            lines = ["[[source]]"]
            for key, value in site.source_entry().items():
                lines.append(f"{key} = {json.dumps(value, ensure_ascii=True)}")
            blocks.append("\n".join(lines))
        path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
        return path


def free_port(address: str = FIRST_ADDRESS) -> int:
    """A TCP port free on ``address`` right now (the mirror uses one port on every address)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


def plan_sizes(
    pages: int,
    mp_sites: int,
    news_sites: int,
    *,
    news_share: float = 0.28,
    news_cap: int = 1500,
    skew: bool = True,
    seed: int = 2024,
) -> tuple[list[int], list[int]]:
    """Posts per MP blog and per news site, summing to ``pages`` (news sites capped).

    MP blogs differ in size (log-normal weights, as real blogs do) unless ``skew`` is off.
    """
    if news_sites:
        news_total = min(news_sites * news_cap, round(pages * news_share))
        if not mp_sites:
            news_total = min(pages, news_sites * news_cap)
    else:
        news_total = 0
    news = _split(news_total, [1.0] * news_sites)
    rng = random.Random(f"sizes:{seed}")
    weights = [rng.lognormvariate(0.0, 0.5) if skew else 1.0 for _ in range(mp_sites)]
    return _split(pages - news_total, weights), news


def build_mirror(
    root: Path,
    *,
    pages: int,
    mp_sites: int,
    news_sites: int = 4,
    port: int,
    first_address: str = FIRST_ADDRESS,
    news_share: float = 0.28,
    news_cap: int = 1500,
    skew: bool = True,
    seed: int = 2024,
    pool: TextPool | None = None,
) -> Mirror:
    """Write the mirror's files under ``root/sites/<name>/`` and describe its sites."""
    pool = pool or load_pool()
    mp_sizes, news_sizes = plan_sizes(
        pages,
        mp_sites,
        news_sites,
        news_share=news_share,
        news_cap=news_cap,
        skew=skew,
        seed=seed,
    )
    names = _mp_names(mp_sites)
    first = IPv4Address(first_address)
    sites: list[MirrorSite] = []
    for index, size in enumerate([*mp_sizes, *news_sizes]):
        address = str(_address(first, index))
        rng = random.Random(f"site:{seed}:{index}")
        if index < mp_sites:
            family = "weebly" if index % 2 == 0 else "wordpress"
            mp: str | None = names[index]
            name = _slug(f"{names[index]}-{family}")
        else:
            family, mp = "news", None
            label = _NEWS_NAMES[(index - mp_sites) % len(_NEWS_NAMES)]
            name = _slug(f"{label}-{index - mp_sites + 1}")
        origin = f"http://{address}:{port}"
        posts = _posts(pool, rng, family, size, index)
        site_root = root / "sites" / name
        built = _build_site(family, name, mp, origin, posts)
        _write(site_root, built.files)
        post_files = tuple(site_root / _post_file(family, p.path) for p in posts)
        sites.append(
            MirrorSite(
                name=name,
                family=family,
                kind="news_site" if family == "news" else "mp_site",
                mp=mp,
                address=address,
                port=port,
                root=site_root,
                post_urls=tuple(origin + p.path for p in posts),
                post_files=post_files,
                requests=len(built.crawl_paths),
            )
        )
    return Mirror(root, tuple(sites))


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, at least 3 each when there is room."""
    if not weights:
        return []
    floor = 3 if total >= 3 * len(weights) else 0
    spare = total - floor * len(weights)
    scale = sum(weights)
    sizes = [floor + int(spare * w / scale) for w in weights]
    order = sorted(range(len(weights)), key=lambda i: -weights[i])
    for i in range(total - sum(sizes)):
        sizes[order[i % len(order)]] += 1
    return sizes


def _address(first: IPv4Address, index: int) -> IPv4Address:
    """The index-th address from ``first``, skipping .0 and .255 of each /24."""
    base = int(first)
    offset = (base & 0xFF) - 1 + index
    return IPv4Address((base & ~0xFF) + (offset // 254) * 256 + offset % 254 + 1)


def _mp_names(count: int) -> list[str]:
    """Real MP names from the shared registry (those with a website first), else numbered."""
    names: list[str] = []
    try:
        with _REGISTRY.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        rows.sort(key=lambda r: (not r.get("website"), r["name"]))
        names = [r["name"] for r in rows]
    except (OSError, KeyError):
        names = []
    return [names[i] if i < len(names) else f"Member {i + 1}" for i in range(count)]


def _posts(
    pool: TextPool, rng: random.Random, family: str, count: int, index: int
) -> list[markup.MirrorPost]:
    """``count`` posts, newest first, with unique permalinks."""
    cats = _NEWS_TOPICS if family == "news" else rng.sample(_MP_CATEGORIES, 8)
    when = _NEWEST - timedelta(minutes=rng.randint(0, 600))
    taken: dict[str, int] = {}
    posts = []
    for n in range(count):
        title, paragraphs = pool.post_text(rng)
        base = _slug(title)[:60].strip("-") or "post"
        seen = taken.get(base, 0)
        taken[base] = seen + 1
        slug = base if seen == 0 else f"{base}{seen}"
        post_id = (index + 1) * 1_000_000 + n
        if family == "weebly":
            path = f"/news/{slug}"
        elif family == "wordpress":
            path = f"/{when:%Y/%m/%d}/{slug}/"
        else:
            path = f"/news/uk/politics/{base}-a{9_100_000 + n}.html"
        picked = tuple(rng.sample(cats, 2 if family == "news" else rng.randint(1, 2)))
        author = rng.choice(_AUTHORS) if family == "news" else ""
        posts.append(
            markup.MirrorPost(post_id, slug, title, paragraphs, when, picked, path, author)
        )
        step = (
            timedelta(hours=rng.randint(2, 9))
            if family == "news"
            else timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 12))
        )
        when -= step
    return posts


def _build_site(
    family: str, name: str, mp: str | None, origin: str, posts: list[markup.MirrorPost]
) -> markup.SiteFiles:
    if family == "weebly":
        return markup.build_weebly(f"{mp} MP", mp or name, origin, posts)
    if family == "wordpress":
        return markup.build_wordpress(f"{mp} MP", mp or name, origin, posts)
    label = name.rsplit("-", 1)[0].replace("-", " ").title()
    return markup.build_news(label, origin, posts)


def _post_file(family: str, path: str) -> str:
    if family == "weebly":
        return path.lstrip("/") + ".html"
    if family == "wordpress":
        return path.strip("/") + "/index.html"
    return path.lstrip("/")


def _write(root: Path, files: dict[str, str]) -> None:
    made: set[Path] = set()
    for rel, text in files.items():
        target = root / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_text(text, encoding="utf-8")


def _slug(text: str) -> str:
    out = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in out.split("-") if part)
