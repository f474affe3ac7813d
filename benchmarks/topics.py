"""How well does ``classify`` (text only) agree with the topics site categories map to?

Held-out posts are posts that carry site categories: the bundled sample sites
(``mpnews/samples``: Weebly MP blog, WordPress hustings blog, news site) and the English pages
of the adbar evaluation corpus that carry ``rel="category tag"`` / ``rel="tag"`` links or
``article:tag`` / ``article:section`` meta mapping to at least one topic. Gold topics are
``topics_for_categories(categories)``; predictions are ``classify(title, body)``.

    python benchmarks/topics.py [--corpus PATH/adbar_eval.tar.xz] [--show]

The corpus is unpacked once into ``.bench/`` at the repository root (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import tarfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import trafilatura

from pipeline.categorise import classify, topics_for_categories

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / ".bench"
SAMPLES = ROOT / "mpnews" / "samples"
FAMILY = {
    "rosena-allin-khan": "weebly",
    "hustings-blog": "wordpress",
    "independent-politics": "news",
}
CATEGORY_XPATH = (
    '//a[contains(concat(" ", normalize-space(@rel), " "), " tag ")'
    ' or contains(concat(" ", normalize-space(@rel), " "), " category ")]'
)
META_XPATH = '//meta[@property="article:tag" or @property="article:section"]/@content'


@dataclass(frozen=True, slots=True)
class Case:
    set: str
    id: str
    title: str
    body: str
    gold: tuple[str, ...]


def extract(html: bytes) -> tuple[str, str]:
    doc = trafilatura.bare_extraction(html, include_comments=False, with_metadata=True)
    if doc is None:
        return "", ""
    return (doc.title or ""), (doc.text or "")


def sample_cases() -> Iterator[Case]:
    posts = json.loads((SAMPLES / "expected_posts.json").read_text(encoding="utf-8"))
    for post in posts:
        gold = topics_for_categories(post["categories"])
        site = SAMPLES / "sites" / FAMILY[post["source"]]
        path = site / post["path"].strip("/")
        pages = (path, path / "index.html", path.with_name(path.name + ".html"))
        page = next((p for p in pages if p.is_file()), None)
        if gold and page:
            _, body = extract(page.read_bytes())
            yield Case("samples", post["path"], post["title"], body, gold)


def corpus_cases(archive: Path) -> Iterator[Case]:
    pages = BENCH / "trafilatura_eval" / "pages"
    if not pages.is_dir():
        BENCH.mkdir(exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(BENCH, filter="data")
    for page in sorted(pages.glob("*.html")):
        html = page.read_bytes()
        try:
            tree = lxml.html.fromstring(html)
        except (ValueError, lxml.etree.ParserError):
            continue
        if (tree.get("lang") or "en")[:2].lower() != "en":
            continue
        gold = topics_for_categories(page_categories(tree))
        if gold:
            title, body = extract(html)
            yield Case("corpus", page.stem, title, body, gold)


def page_categories(tree: lxml.html.HtmlElement) -> list[str]:
    names = [a.text_content().strip() for a in tree.xpath(CATEGORY_XPATH)]
    for content in tree.xpath(META_XPATH):
        names.extend(part.strip() for part in content.split(","))
    return [name for name in names if name]


def report(cases: list[Case], show: bool) -> None:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    started = time.perf_counter()
    predictions = [set(classify(case.title, case.body)) for case in cases]
    elapsed = time.perf_counter() - started
    for case, predicted in zip(cases, predictions, strict=True):
        gold = set(case.gold)
        tp.update(gold & predicted)
        fp.update(predicted - gold)
        fn.update(gold - predicted)
        if show:
            print(
                f"{case.set:8} {case.id[:50]:50} gold={sorted(gold)} predicted={sorted(predicted)}"
            )
    print(f"\n{'topic':28} {'prec':>6} {'rec':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
    for topic in sorted(set(tp) | set(fp) | set(fn)):
        print(
            f"{topic:28} {_ratio(tp[topic], fp[topic]):>6} {_ratio(tp[topic], fn[topic]):>6}"
            f" {tp[topic]:>4} {fp[topic]:>4} {fn[topic]:>4}"
        )
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    hit = sum(1 for case, p in zip(cases, predictions, strict=True) if set(case.gold) & p)
    print(f"\nposts: {len(cases)} ({Counter(c.set for c in cases)})")
    print(
        f"micro precision {_ratio(total_tp, total_fp)}  micro recall {_ratio(total_tp, total_fn)}"
        f"  posts with >=1 gold topic predicted: {hit}/{len(cases)}"
    )
    print(f"classify: {elapsed / max(len(cases), 1) * 1000:.3f} ms/post (mean over these posts)")


def held_out_cases(corpus: Path | None = None) -> list[Case]:
    """The bundled sample posts, plus the corpus's categorised pages once it is unpacked."""
    cases = list(sample_cases())
    if corpus or (BENCH / "trafilatura_eval").is_dir():
        cases += list(corpus_cases(corpus or Path("adbar_eval.tar.xz")))
    return cases


def evaluate(corpus: Path | None = None) -> tuple[float, float, int]:
    """Micro precision and recall of ``classify`` on the held-out posts, and their number."""
    cases = held_out_cases(corpus)
    tp = fp = fn = 0
    for case in cases:
        gold, predicted = set(case.gold), set(classify(case.title, case.body))
        tp, fp, fn = (
            tp + len(gold & predicted),
            fp + len(predicted - gold),
            fn + len(gold - predicted),
        )
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), len(cases)


def _ratio(good: int, bad: int) -> str:
    return f"{good / (good + bad):.2f}" if good + bad else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None, help="adbar_eval.tar.xz")
    parser.add_argument("--show", action="store_true", help="print every post's topics")
    args = parser.parse_args()
    report(held_out_cases(args.corpus), args.show)


if __name__ == "__main__":
    main()
