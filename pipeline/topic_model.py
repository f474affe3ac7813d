"""The shipped topic model: linear scores over TF-IDF of a post's words, applied with numpy.

``mpnews/data/topic_model.npz`` is trained offline by ``benchmarks/train_topic_model.py``
(scikit-learn, one linear SVM per topic) on the labelled topic set and holds everything needed
to apply it: the vocabulary, IDF, a weight per word and topic, an intercept per topic and the
decision settings. Nothing is downloaded; scikit-learn is not needed at run time.

A post's text is its title twice then its body, lower-cased and split into words of two or
more word characters (scikit-learn's default token pattern). Its vector is
``(1 + log tf) * idf``, L2-normalised; a topic's score is the vector times the topic's weights
plus its intercept, plus ``keyword_weight`` for the topic the taxonomy's keyword vote puts
first and half that for its other topics (``votes``: the vote knows the MP-site vocabulary the
training posts are thin on). A post with fewer than ``min_words`` distinct known words gets
no topic (too little to go on); otherwise the best topic is kept when its score is above
``floor``, the next ones (at most ``max_topics`` in all) when theirs are above ``threshold``.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from mpnews.exceptions import ConfigError

__all__ = [
    "MODEL_PATH",
    "TOKEN_PATTERN",
    "TopicModel",
    "load_topic_model",
    "model_text",
    "tokens",
]

MODEL_PATH = Path(__file__).resolve().parents[1] / "mpnews" / "data" / "topic_model.npz"
TOKEN_PATTERN = r"(?u)\b\w\w+\b"
_TOKEN = re.compile(TOKEN_PATTERN)
_ARRAYS = ("topics", "vocabulary", "idf", "weights", "intercepts", "settings")


def tokens(text: str) -> list[str]:
    """The model's words of ``text`` (lower-cased, two or more word characters)."""
    return _TOKEN.findall(text.lower())


def model_text(post: Mapping[str, object]) -> str:
    """The text the model reads of a post: its title twice, then its body."""
    title = str(post.get("title") or "")
    return f"{title} {title} {post.get('body') or ''}"


@dataclass(frozen=True, slots=True)
class TopicModel:
    """A trained linear topic model (see the module docstring)."""

    topics: tuple[str, ...]
    vocabulary: Mapping[str, int]
    idf: np.ndarray
    weights: np.ndarray
    intercepts: np.ndarray
    threshold: float
    floor: float
    max_topics: int
    min_words: int
    keyword_weight: float

    def scores(self, title: str, body: str, votes: Sequence[str] = ()) -> np.ndarray:
        """One score per topic (in ``topics`` order); ``votes`` are the keyword vote's topics,
        best first."""
        return self._scores(self._known(title, body), votes)

    def predict(self, title: str, body: str, votes: Sequence[str] = ()) -> tuple[str, ...]:
        """Topics of a post, best first; ``()`` also when it has too few known words."""
        known = self._known(title, body)
        if len(known) < self.min_words:
            return ()
        scores = self._scores(known, votes)
        order = np.argsort(-scores, kind="stable")
        if scores[order[0]] <= self.floor:
            return ()
        kept = [order[0], *(i for i in order[1 : self.max_topics] if scores[i] > self.threshold)]
        return tuple(self.topics[i] for i in kept)

    def too_short(self, title: str, body: str) -> bool:
        """Whether the post has fewer distinct known words than the model needs."""
        return len(self._known(title, body)) < self.min_words

    def _known(self, title: str, body: str) -> list[tuple[int, int]]:
        counts = Counter(tokens(model_text({"title": title, "body": body})))
        return [(self.vocabulary[w], n) for w, n in counts.items() if w in self.vocabulary]

    def _scores(self, known: list[tuple[int, int]], votes: Sequence[str]) -> np.ndarray:
        result = self.intercepts.astype(np.float64)
        for rank, topic in enumerate(votes):
            if topic in self.topics:
                weight = self.keyword_weight if rank == 0 else self.keyword_weight / 2
                result[self.topics.index(topic)] += weight
        if not known:
            return result
        index = np.fromiter((i for i, _ in known), dtype=np.int64, count=len(known))
        tf = np.fromiter((n for _, n in known), dtype=np.float64, count=len(known))
        values = (1.0 + np.log(tf)) * self.idf[index]
        values /= np.linalg.norm(values)
        result += values @ self.weights[index].astype(np.float64)
        return result

    def save(self, path: Path) -> None:
        """Write the model as a compressed ``.npz`` (no pickled objects)."""
        words = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        np.savez_compressed(
            path,
            topics=np.array(self.topics),
            vocabulary=np.array(words),
            idf=self.idf.astype(np.float32),
            weights=self.weights.astype(np.float16),
            intercepts=self.intercepts.astype(np.float32),
            settings=np.array(
                [self.threshold, self.floor, self.max_topics, self.min_words, self.keyword_weight],
                dtype=np.float64,
            ),
        )


def load_topic_model(path: str | Path | None = None) -> TopicModel:
    """Read a model file (default: the packaged ``topic_model.npz``, cached)."""
    if path is None:
        return _default_model()
    return _load(Path(path))


@lru_cache(maxsize=1)
def _default_model() -> TopicModel:
    with resources.as_file(resources.files("mpnews") / "data" / "topic_model.npz") as path:
        return _load(path)


def _load(path: Path) -> TopicModel:
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in _ARRAYS}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise ConfigError(
            f"{path}: not a topic model ({exc}); rebuild it with benchmarks/train_topic_model.py"
        ) from exc
    words = [str(word) for word in arrays["vocabulary"]]
    topics = tuple(str(topic) for topic in arrays["topics"])
    weights = arrays["weights"].astype(np.float32)
    if weights.shape != (len(words), len(topics)) or len(arrays["idf"]) != len(words):
        raise ConfigError(f"{path}: topic model arrays disagree in size; rebuild it")
    if arrays["settings"].shape != (5,):
        raise ConfigError(f"{path}: topic model settings are not the five expected numbers")
    threshold, floor, max_topics, min_words, keyword_weight = map(float, arrays["settings"])
    return TopicModel(
        topics=topics,
        vocabulary={word: index for index, word in enumerate(words)},
        idf=arrays["idf"].astype(np.float64),
        weights=weights,
        intercepts=arrays["intercepts"].astype(np.float64),
        threshold=threshold,
        floor=floor,
        max_topics=int(max_topics),
        min_words=int(min_words),
        keyword_weight=keyword_weight,
    )
