"""Build the labelled topic set: real posts whose own site categories map to topics.

Each post is a page's title and main text (trafilatura, no comments) with the category names
the page itself declares (and, for the trafilatura set, the categories and tags its
annotators read off the page): ``article:section`` / ``article:tag`` meta, ``keywords`` /
``news_keywords`` meta, JSON-LD ``articleSection`` / ``keywords`` / ``BreadcrumbList``,
breadcrumb trails and ``rel="tag"`` / ``rel="category"`` links outside sidebars and tag
clouds. Gold topics are those names mapped through the taxonomy aliases
(``topics_for_categories``); nothing is labelled by hand. Posts come from the bundled sample
sites (``mpnews/samples``) and the pages of the evaluation corpus (``../shared/corpus``: about
half English, most of the rest German; the taxonomy carries the section names of both); a page
whose categories map to no topic, or with under 300 characters of text, is left out. Bodies
are cut at 5,000 characters.

The split is fixed by a hash of the URL: ``held-out`` when the first byte of its SHA-1 is
below 77 (30 %), else ``train``. The set is written to
``tests/pipeline/fixtures/topic_set/posts.jsonl`` (one post a line, sorted by id):

    python benchmarks/build_topic_set.py [--corpus ../shared/corpus] [--unmapped 80]

``--unmapped N`` prints the N most frequent category names that map to no topic (to review
aliases in ``mpnews/data/topics.toml``) instead of writing the set.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import _corpus  # noqa: E402

from pipeline.categorise import normalise_category, topics_for_categories  # noqa: E402

OUT = ROOT / "tests" / "pipeline" / "fixtures" / "topic_set" / "posts.jsonl"
SAMPLES = ROOT / "mpnews" / "samples"
FAMILY = {"rosena-allin-khan": "weebly", "hustings-blog": "wordpress"}
SAMPLE_ORIGIN = {
    "rosena-allin-khan": "http://rosena.sample.invalid",
    "hustings-blog": "http://hustings.sample.invalid",
    "independent-politics": "http://news.sample.invalid",
}
HELD_OUT_BELOW = 77  # of 256: 30 % of URLs
MIN_BODY = 300
MAX_BODY = 5000  # characters kept of each body: the opening carries the topic
MAX_TAG_LINKS = 25
MAX_NAME = 60
REL_LINKS = (
    '//a[contains(concat(" ", normalize-space(@rel), " "), " tag ")'
    ' or contains(concat(" ", normalize-space(@rel), " "), " category ")]'
)
META_NAMES = (
    '//meta[@property="article:section" or @name="article:section"'
    ' or @property="article:tag" or @name="article:tag"'
    ' or @name="keywords" or @name="news_keywords"]/@content'
)
BREADCRUMBS = (
    '(//*[contains(@class, "breadcrumb") or contains(@id, "breadcrumb")])[1]//a'
    ' | //*[@aria-label="breadcrumb" or @aria-label="Breadcrumb"]//a'
)
SIDEBAR = re.compile(r"sidebar|widget|cloud|footer|menu|related|popular|trending", re.I)
STOPWORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "in",
        "is",
        "that",
        "for",
        "with",
        "on",
        "was",
        "it",
        "as",
        "are",
        "be",
        "this",
        "by",
    ]
)


def post_id(source: str, key: str) -> str:
    return f"{source}/{key}"


def split_of(url: str) -> str:
    return "held-out" if hashlib.sha1(url.encode()).digest()[0] < HELD_OUT_BELOW else "train"


def page_categories(tree: lxml.html.HtmlElement) -> list[str]:
    """Category, section, tag and breadcrumb names the page declares for itself."""
    names = [str(c) for content in tree.xpath(META_NAMES) for c in str(content).split(",")]
    names += _json_ld_names(tree)
    names += [a.text_content() for a in tree.xpath(BREADCRUMBS)]
    links = [a for a in tree.xpath(REL_LINKS) if not _in_sidebar(a)]
    if len(links) <= MAX_TAG_LINKS:
        names += [a.text_content() for a in links]
    seen: dict[str, str] = {}
    for name in names:
        clean = " ".join(name.split()).strip(" #|>»›/")
        if clean and len(clean) <= MAX_NAME:
            seen.setdefault(normalise_category(clean), clean)
    return sorted(seen.values(), key=str.casefold)


def _in_sidebar(element: lxml.html.HtmlElement) -> bool:
    for parent in element.iterancestors():
        if parent.tag in {"aside", "nav", "footer"}:
            return True
        if SIDEBAR.search(f"{parent.get('class', '')} {parent.get('id', '')}"):
            return True
    return False


def _json_ld_names(tree: lxml.html.HtmlElement) -> list[str]:
    names: list[str] = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for node in _walk(data):
            for key in ("articleSection", "keywords"):
                value = node.get(key)
                if isinstance(value, str):
                    names += value.split(",")
                elif isinstance(value, list):
                    names += [v for v in value if isinstance(v, str)]
            if node.get("@type") == "BreadcrumbList":
                for item in node.get("itemListElement") or []:
                    name = _crumb_name(item)
                    if name:
                        names.append(name)
    return names


def _crumb_name(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    inner = item.get("item")
    name = item.get("name") or (inner.get("name") if isinstance(inner, dict) else None)
    return name if isinstance(name, str) else None


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def language(tree: lxml.html.HtmlElement, text: str) -> str:
    """The page's declared language (two letters), else "en" for English-looking text."""
    lang = (tree.get("lang") or tree.get("xml:lang") or "").strip().lower()[:2]
    if lang:
        return lang
    words = re.findall(r"[a-z]+", text.lower()[:5000])
    english = len(words) >= 50 and sum(w in STOPWORDS for w in words) / len(words) > 0.12
    return "en" if english else ""


def _annotated(truth: dict[str, Any]) -> list[str]:
    """Categories and tags the evaluation set's annotators read off the page."""
    meta = truth.get("meta") or {}
    names = [*(meta.get("categories") or []), *(meta.get("tags") or [])]
    return [name for name in names if isinstance(name, str)]


def extract(html: bytes) -> tuple[str, str]:
    doc = trafilatura.bare_extraction(html, include_comments=False, with_metadata=True)
    if doc is None:
        return "", ""
    return (doc.title or "").strip(), (doc.text or "").strip()


def corpus_posts(corpus: Path) -> Iterator[dict[str, Any]]:
    """Every page once (by content hash, then by URL), with its categories;
    ``topics`` is empty for a page whose categories map to no topic."""
    seen: set[str] = set()
    urls: set[str] = set()
    for set_name in ("scrapinghub_aeb", "trafilatura_eval", "htmldate_eval"):
        for page in _corpus.pages(set_name, corpus):
            html = page.path.read_bytes()
            digest = page.truth.get("sha256") or hashlib.sha256(html).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            try:
                tree = lxml.html.fromstring(html)
            except (ValueError, lxml.etree.ParserError):
                continue
            categories = page_categories(tree) + _annotated(page.truth)
            if not topics_for_categories(categories):
                yield {"categories": categories, "topics": []}
                continue
            title, body = extract(html)
            if len(body) < MIN_BODY:
                continue
            url = page.url or page.id
            if url in urls:
                continue
            urls.add(url)
            key = post_id(set_name, page.id)
            yield _post(key, url, set_name, title, body, categories, language(tree, body))


def sample_posts() -> Iterator[dict[str, Any]]:
    posts = json.loads((SAMPLES / "expected_posts.json").read_text(encoding="utf-8"))
    for post in posts:
        path = post["path"].strip("/")
        site = SAMPLES / "sites" / FAMILY.get(post["source"], "news")
        files = (site / path, site / path / "index.html", site / f"{path}.html")
        page = next((p for p in files if p.is_file()), None)
        if page is None or not topics_for_categories(post["categories"]):
            continue
        _, body = extract(page.read_bytes())
        url = SAMPLE_ORIGIN[post["source"]] + post["path"]
        key = post_id("samples", f"{post['source']}{post['path']}")
        yield _post(key, url, "samples", post["title"], body, sorted(post["categories"]), "en")


def _post(
    key: str, url: str, source: str, title: str, body: str, categories: list[str], lang: str
) -> dict[str, Any]:
    return {
        "id": key,
        "lang": lang,
        "url": url,
        "source": source,
        "split": split_of(url),
        "title": title,
        "body": body[:MAX_BODY],
        "categories": categories,
        "topics": list(topics_for_categories(categories)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=_corpus.CORPUS)
    parser.add_argument("--unmapped", type=int, default=0, metavar="N")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = list(corpus_posts(args.corpus.resolve()))
    if args.unmapped:
        names = Counter(normalise_category(n) for row in rows for n in row["categories"])
        for name, count in names.most_common(args.unmapped):
            print(f"{count:4} {name}")
        return
    posts = sorted([*sample_posts(), *(r for r in rows if r["topics"])], key=lambda r: r["id"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for post in posts:
            out.write(json.dumps(post, ensure_ascii=False, sort_keys=True) + "\n")
    splits = Counter(p["split"] for p in posts)
    print(f"{len(posts)} posts -> {args.out.relative_to(ROOT)}: {dict(sorted(splits.items()))}")


if __name__ == "__main__":
    main()
