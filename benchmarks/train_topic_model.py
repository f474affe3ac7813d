"""Train the topic model shipped in ``mpnews/data/topic_model.npz`` (needs scikit-learn).

Training posts are the ``train`` split of the labelled topic set
(``tests/pipeline/fixtures/topic_set/posts.jsonl``, built by ``build_topic_set.py``) plus one
short document per taxonomy topic made of its label, aliases and keywords, so every topic of
``mpnews/data/topics.toml`` can be predicted, also those the set has few posts of. The model is
one linear SVM per topic (one-vs-rest, balanced class weights) over TF-IDF of lower-cased
words (sublinear term frequency, L2-normalised; the title counted twice). The vocabulary is
every word found in at least two training posts or in a topic's document.

The exported file holds the vocabulary, IDF, weights and intercepts; ``pipeline.topic_model``
applies them with numpy alone (scikit-learn is not needed at run time). Training is
deterministic: rerunning it on the same set gives the same file.

    python benchmarks/train_topic_model.py [--set PATH] [--out PATH] [--cv]

``--cv`` prints the 5-fold cross-validation (train split only, folds by a hash of the URL) of
the decision settings instead of writing the model.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.categorise import classify_keywords, load_taxonomy  # noqa: E402
from pipeline.topic_model import (  # noqa: E402
    MODEL_PATH,
    TOKEN_PATTERN,
    TopicModel,
    model_text,
    tokens,
)

SET = ROOT / "tests" / "pipeline" / "fixtures" / "topic_set" / "posts.jsonl"
C = 1.0
MIN_DF = 2
# Decision settings, chosen by 5-fold cross-validation on the train split (``--cv`` prints
# the grid): micro F1 0.507, within 0.005 of the best (a larger keyword weight, which leans
# harder on the vote; the smaller one is kept).
THRESHOLD = 0.0  # a topic after the best one is kept when its score is above this
FLOOR = -0.4  # no topic at all when the best score is not above this
KEYWORD_WEIGHT = 1.0  # added to the keyword vote's first topic (half to its others)
MAX_TOPICS = 3
MIN_WORDS = 8  # fewer distinct known words than this: the model abstains ("Thank you!")


def load_posts(path: Path, split: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [row for row in rows if row["split"] == split]


def topic_documents() -> list[dict[str, Any]]:
    """One training document per topic: its label, aliases and keywords."""
    docs = []
    for topic in load_taxonomy().topics:
        words = [*topic.aliases, *(k.rstrip("*") for k in topic.keywords)]
        docs.append({"title": topic.label, "body": " ".join(words), "topics": [topic.id]})
    return docs


def vocabulary(posts: list[dict[str, Any]], docs: list[dict[str, Any]]) -> list[str]:
    df = Counter(word for post in posts for word in set(tokens(model_text(post))))
    words = {word for word, count in df.items() if count >= MIN_DF}
    words |= {word for doc in docs for word in tokens(model_text(doc))}
    return sorted(words)


def train(posts: list[dict[str, Any]]) -> TopicModel:
    docs = topic_documents()
    every = posts + docs
    texts = [model_text(post) for post in every]
    vectorizer = TfidfVectorizer(
        sublinear_tf=True, token_pattern=TOKEN_PATTERN, vocabulary=vocabulary(posts, docs)
    )
    features = vectorizer.fit_transform(texts)
    topics = load_taxonomy().ids
    weights = np.zeros((features.shape[1], len(topics)), dtype=np.float32)
    intercepts = np.full(len(topics), -1.0, dtype=np.float32)
    for column, topic in enumerate(topics):
        labels = np.array([topic in post["topics"] for post in every], dtype=int)
        svm = LinearSVC(C=C, class_weight="balanced", random_state=0)
        svm.fit(features, labels)
        weights[:, column] = svm.coef_[0]
        intercepts[column] = svm.intercept_[0]
    return TopicModel(
        topics=topics,
        vocabulary={word: index for index, word in enumerate(vectorizer.get_feature_names_out())},
        idf=vectorizer.idf_.astype(np.float32),
        weights=weights,
        intercepts=intercepts,
        threshold=THRESHOLD,
        floor=FLOOR,
        max_topics=MAX_TOPICS,
        min_words=MIN_WORDS,
        keyword_weight=KEYWORD_WEIGHT,
    )


def cross_validate(posts: list[dict[str, Any]], folds: int = 5) -> None:
    """Micro precision, recall and F1 of each (keyword weight, floor) over the folds."""
    fold_of = {p["id"]: hashlib.sha1(p["url"].encode()).digest()[1] % folds for p in posts}
    votes = {p["id"]: classify_keywords(p["title"], p["body"]) for p in posts}
    counts: dict[tuple[float, float], Counter[str]] = {}
    for fold in range(folds):
        model = train([p for p in posts if fold_of[p["id"]] != fold])
        for weight in (0.0, 0.5, 1.0, 1.5):
            for floor in (-0.6, -0.4, -0.2, 0.0):
                tried = dataclasses.replace(model, keyword_weight=weight, floor=floor)
                tally = counts.setdefault((weight, floor), Counter())
                for post in (p for p in posts if fold_of[p["id"]] == fold):
                    gold = set(post["topics"])
                    found = set(tried.predict(post["title"], post["body"], votes[post["id"]]))
                    tally.update(tp=len(gold & found), fp=len(found - gold), fn=len(gold - found))
    print(f"{'keyword weight':>14} {'floor':>6} {'precision':>9} {'recall':>7} {'F1':>6}")
    for (weight, floor), tally in sorted(counts.items()):
        tp, fp, fn = tally["tp"], tally["fp"], tally["fn"]
        f1 = 2 * tp / max(2 * tp + fp + fn, 1)
        precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        print(f"{weight:>14} {floor:>6} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--set", type=Path, default=SET)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--cv", action="store_true", help="cross-validate the settings")
    args = parser.parse_args()
    posts = load_posts(args.set, "train")
    if args.cv:
        cross_validate(posts)
        return
    model = train(posts)
    model.save(args.out)
    size = args.out.stat().st_size
    print(
        f"{len(posts)} training posts, {len(model.vocabulary)} words, {len(model.topics)} topics"
        f" -> {args.out} ({size / 1024:.0f} kB)"
    )


if __name__ == "__main__":
    main()
