"""How well does ``classify`` (text only) agree with the topics site categories map to?

Posts are the held-out split of the labelled topic set
(``tests/pipeline/fixtures/topic_set/posts.jsonl``, built by ``build_topic_set.py``: the
bundled sample sites and real pages of the evaluation corpus, each labelled by mapping its own
categories, sections and tags through the taxonomy). Gold topics are the post's ``topics``;
predictions are made from the title and body alone. One run scores, side by side, the keyword
vote (``classify_keywords``, the classifier before the model), the shipped topic model alone
and ``classify`` (the model, the keyword vote when the model finds no topic).

    python benchmarks/topics.py [--split held-out|train] [--show]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.categorise import classify, classify_keywords  # noqa: E402
from pipeline.topic_model import load_topic_model  # noqa: E402

SET = ROOT / "tests" / "pipeline" / "fixtures" / "topic_set" / "posts.jsonl"
Classifier = Callable[[str, str], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    lang: str
    title: str
    body: str
    gold: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    posts: int
    ms_per_post: float
    tp: Counter[str]
    fp: Counter[str]
    fn: Counter[str]


def cases(split: str = "held-out", path: Path = SET) -> list[Case]:
    """The labelled posts of one split."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [
        Case(r["id"], r["lang"], r["title"], r["body"], tuple(r["topics"]))
        for r in rows
        if r["split"] == split
    ]


def score(classifier: Classifier, posts: list[Case]) -> Score:
    """Micro precision and recall of ``classifier`` over ``posts``."""
    started = time.perf_counter()
    predictions = [set(classifier(case.title, case.body)) for case in posts]
    elapsed = time.perf_counter() - started
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for case, predicted in zip(posts, predictions, strict=True):
        gold = set(case.gold)
        tp.update(gold & predicted)
        fp.update(predicted - gold)
        fn.update(gold - predicted)
    good, bad_p, bad_r = sum(tp.values()), sum(fp.values()), sum(fn.values())
    return Score(
        precision=good / max(good + bad_p, 1),
        recall=good / max(good + bad_r, 1),
        posts=len(posts),
        ms_per_post=elapsed / max(len(posts), 1) * 1000,
        tp=tp,
        fp=fp,
        fn=fn,
    )


def classifiers() -> dict[str, Classifier]:
    model = load_topic_model()
    return {
        "keywords (before)": classify_keywords,
        "topic model alone": model.predict,
        "classify (after)": classify,
    }


def evaluate(split: str = "held-out") -> tuple[float, float, int]:
    """Micro precision and recall of ``classify`` on the split, and its number of posts."""
    result = score(classify, cases(split))
    return result.precision, result.recall, result.posts


def report(split: str, show: bool) -> None:
    posts = cases(split)
    english = [case for case in posts if case.lang == "en"]
    print(f"{split}: {len(posts)} posts ({len(english)} English), {Counter(c.lang for c in posts)}")
    print(
        f"\n{'classifier':20} {'precision':>9} {'recall':>7} {'en prec':>8} {'en rec':>7} ms/post"
    )
    scores = {}
    for name, classifier in classifiers().items():
        scores[name] = result = score(classifier, posts)
        en = score(classifier, english)
        print(
            f"{name:20} {result.precision:>9.3f} {result.recall:>7.3f}"
            f" {en.precision:>8.3f} {en.recall:>7.3f} {result.ms_per_post:7.3f}"
        )
    if show:
        after = scores["classify (after)"]
        print(f"\n{'topic (classify)':28} {'prec':>6} {'rec':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
        for topic in sorted(set(after.tp) | set(after.fp) | set(after.fn)):
            tp, fp, fn = after.tp[topic], after.fp[topic], after.fn[topic]
            print(f"{topic:28} {_ratio(tp, fp):>6} {_ratio(tp, fn):>6} {tp:>4} {fp:>4} {fn:>4}")


def _ratio(good: int, bad: int) -> str:
    return f"{good / (good + bad):.2f}" if good + bad else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", choices=("held-out", "train"), default="held-out")
    parser.add_argument("--show", action="store_true", help="per-topic figures of classify")
    args = parser.parse_args()
    report(args.split, args.show)


if __name__ == "__main__":
    main()
