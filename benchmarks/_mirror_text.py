"""Real text for the throughput mirror: paragraphs and titles from the shared corpus.

The pool is every English paragraph of the corpus's real pages (scrapinghub_aeb's gold
bodies, the ``<p>`` texts of the adbar sets' pages) and their real titles, in a fixed order,
cached as JSON in ``.bench/`` while the archives are unchanged. A post is a deterministic
draw of whole paragraphs from the pool, so no two posts of a mirror share enough text to
be near-duplicates of each other (the pipeline would rightly collapse them into one post).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import _corpus
from lxml import html as lxml_html
from lxml.html import HtmlElement

__all__ = ["TextPool", "load_pool"]

_SETS = ("scrapinghub_aeb", "trafilatura_eval", "htmldate_eval")
_CACHE_NAME = "throughput-text-pool.json"
_POOL_VERSION = 2
_STOPWORDS = frozenset(
    {
        *("the", "and", "of", "to", "in", "a", "is", "that", "for", "on", "with", "as", "was"),
        *("it", "by", "at", "be", "are", "from", "this", "have", "has", "said", "an", "not"),
        *("but", "they", "their", "which", "will"),
    }
)
_WORD = re.compile(r"[A-Za-z']+")
_SPACE = re.compile(r"\s+")
_TITLE_SEPARATORS = re.compile(r"\s+[|\u2013\u2014-]\s+|\s+::\s+")
_MIN_CHARS, _MAX_CHARS = 120, 1200


@dataclass(frozen=True, slots=True)
class TextPool:
    """English paragraphs and titles of real pages, in a fixed order."""

    paragraphs: tuple[str, ...]
    titles: tuple[str, ...]

    def post_text(self, rng: random.Random) -> tuple[str, tuple[str, ...]]:
        """A title and 4-12 distinct paragraphs drawn with ``rng``."""
        count = rng.randint(4, 12)
        chosen = rng.sample(range(len(self.paragraphs)), count)
        return rng.choice(self.titles), tuple(self.paragraphs[i] for i in chosen)


def load_pool(cache: Path = _corpus.CACHE) -> TextPool:
    """The pool, from the cache when the corpus archives have not changed."""
    stamp = _stamp()
    path = cache / _CACHE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("stamp") == stamp:
            return TextPool(tuple(data["paragraphs"]), tuple(data["titles"]))
    except (OSError, ValueError, KeyError):
        pass
    pool = _build_pool()
    cache.mkdir(parents=True, exist_ok=True)
    payload = {"stamp": stamp, "paragraphs": pool.paragraphs, "titles": pool.titles}
    path.write_text(json.dumps(payload), encoding="utf-8")
    return pool


def _stamp() -> str:
    parts = [f"v{_POOL_VERSION}"]
    for name in sorted(set(_corpus.SETS.values())):
        archive = _corpus.CORPUS / name
        if not archive.is_file():
            raise _corpus.CorpusMissingError(f"{archive} not found: the corpus is ../shared/corpus")
        parts.append(f"{name}:{archive.stat().st_size}")
    return " ".join(parts)


def _build_pool() -> TextPool:
    paragraphs: dict[str, None] = {}
    titles: dict[str, None] = {}
    for set_name in _SETS:
        for page in _corpus.pages(set_name):
            tree = _tree(page.path)
            found = _page_paragraphs(page, tree)
            english = [p for p in found if _english(p)]
            if len(english) < 3:
                continue
            paragraphs.update(dict.fromkeys(english))
            title = _title(page, tree)
            if 20 <= len(title) <= 140 and _english(title, minimum=1):
                titles[title] = None
    if not paragraphs or not titles:
        raise _corpus.CorpusMissingError("the corpus gave no English paragraphs or titles")
    return TextPool(tuple(paragraphs), tuple(titles))


def _tree(path: Path) -> HtmlElement | None:
    try:
        return lxml_html.fromstring(path.read_bytes())
    except (ValueError, lxml_html.etree.ParserError):
        return None


def _page_paragraphs(page: _corpus.Page, tree: HtmlElement | None) -> list[str]:
    gold = page.truth.get("text")
    if isinstance(gold, str) and gold.strip():
        texts = gold.split("\n")
    elif tree is not None:
        texts = [p.text_content() for p in tree.iter("p")]
    else:
        return []
    cleaned = (_clean(t) for t in texts)
    return [t for t in cleaned if _MIN_CHARS <= len(t) <= _MAX_CHARS]


def _title(page: _corpus.Page, tree: HtmlElement | None) -> str:
    """The gold title, else the longest part of the page's ``<title>`` (site name cut off)."""
    gold = _clean(str(page.truth.get("title") or ""))
    if gold or tree is None:
        return gold
    parts = _TITLE_SEPARATORS.split(_clean(tree.findtext(".//title") or ""))
    return max(parts, key=len).strip() if parts else ""


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _english(text: str, minimum: int = 4) -> bool:
    """Enough common English words, and mostly ASCII letters."""
    words = _WORD.findall(text.lower())
    if not words:
        return False
    hits = sum(1 for w in words if w in _STOPWORDS)
    ascii_share = sum(1 for c in text if c.isascii()) / len(text)
    return hits >= minimum and hits / len(words) >= 0.12 and ascii_share > 0.97
