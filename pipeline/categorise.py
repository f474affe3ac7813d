"""File posts under topics: map site categories through the taxonomy, else classify the text.

The taxonomy (``mpnews/data/topics.toml``) is data the data team edits: each topic has a
label, the site category names (aliases) that file a post under it, and keywords. A post with
site categories that map to topics is filed by them; a post without (news articles,
hustings) is classified from its text.

:func:`classify` applies the shipped topic model (``pipeline.topic_model``: linear scores over
TF-IDF of the words, trained offline on posts labelled by their own site categories; numpy
only, well under a millisecond a post), its scores nudged by the keyword vote below; a post
too short for the model is filed by the keyword vote alone. With a taxonomy whose topics the
model does not cover exactly (a topic added or renamed before the model is retrained) only
the keyword vote is used.

:func:`classify_keywords` is a weighted keyword vote: a topic scores ``title_weight`` for
each distinct keyword in the title plus, for each keyword in the body, its count capped at
``body_cap``. Topics scoring at least ``min_score`` and at least ``relative_score`` times the
best topic's score are kept (at most ``max_topics``).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from mpnews.exceptions import ConfigError
from pipeline.topic_model import load_topic_model

__all__ = [
    "ClassifierSettings",
    "Taxonomy",
    "Topic",
    "categorise",
    "classify",
    "classify_keywords",
    "load_taxonomy",
    "normalise_category",
    "topics_for_categories",
]

_APOSTROPHES = re.compile(r"['’‘`]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_TOPIC_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOPIC_KEYS = frozenset({"label", "aliases", "keywords"})
_TOP_KEYS = frozenset({"ignore", "topics", "classifier"})
_TOKEN = re.compile(r"\w+(?:[-'.&]\w+)*[+%]?")
_CACHE_LIMIT = 50_000


def normalise_category(name: str) -> str:
    """A matching key for a category name: case, accents, punctuation, ``&``/``and`` and
    hyphen/space variants fold together ("Cost-of-Living Crisis" -> "cost-of-living-crisis")."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = _APOSTROPHES.sub("", text.casefold().replace("&", " and "))
    return "-".join(word for word in _NON_WORD.split(text) if word and word != "and")


@dataclass(frozen=True, slots=True)
class Topic:
    """One topic of the taxonomy."""

    id: str
    label: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClassifierSettings:
    """Thresholds of the keyword classifier (``[classifier]`` in topics.toml)."""

    title_weight: float = 3.0
    body_cap: int = 3
    min_score: float = 4.0
    relative_score: float = 0.3
    max_topics: int = 5


@dataclass(frozen=True, slots=True)
class _Matcher:
    """Keyword lookup tables; keys are token tuples (case-folded where ``folded``).

    ``exact``/``stems`` hold one-word keywords; ``phrases`` maps a first word to the
    longer keywords starting with it. ``owners[k]`` lists keyword ``k``'s topics.
    """

    exact: Mapping[tuple[bool, str], tuple[int, ...]]
    stems: Mapping[tuple[bool, str], tuple[int, ...]]
    stem_lengths: tuple[int, ...]
    phrases: Mapping[tuple[bool, str], tuple[tuple[tuple[str, ...], bool, int], ...]]
    owners: tuple[tuple[str, ...], ...]
    cache: dict[str, tuple[tuple[int, ...], bool]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """Topics, the category-name index and the classifier, loaded from one file."""

    topics: tuple[Topic, ...]
    ignored: frozenset[str]
    alias_index: Mapping[str, tuple[str, ...]]
    settings: ClassifierSettings
    source: str
    _matcher: _Matcher = field(repr=False, compare=False)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(topic.id for topic in self.topics)

    def topics_for(self, category: str) -> tuple[str, ...] | None:
        """Topic ids of one site category; ``()`` if ignored, None if unknown."""
        key = normalise_category(category)
        if key in self.ignored:
            return ()
        return self.alias_index.get(key)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read a taxonomy file (default: the packaged ``topics.toml``, cached)."""
    if path is None:
        return _default_taxonomy()
    return _load(Path(path))


@lru_cache(maxsize=1)
def _default_taxonomy() -> Taxonomy:
    with resources.as_file(resources.files("mpnews") / "data" / "topics.toml") as path:
        return _load(path)


def topics_for_categories(
    categories: Sequence[str], taxonomy: Taxonomy | None = None
) -> tuple[str, ...]:
    """Sorted unique topic ids the site categories map to (unknown ones are skipped)."""
    tax = taxonomy or load_taxonomy()
    found = {tid for name in categories for tid in tax.topics_for(name) or ()}
    return tuple(sorted(found))


def classify(title: str, body: str, taxonomy: Taxonomy | None = None) -> tuple[str, ...]:
    """Topics of a post from its words alone, best first: the shipped topic model's (helped by
    the keyword vote), else (a short post, a taxonomy the model does not cover) the vote's."""
    tax = taxonomy or load_taxonomy()
    votes = classify_keywords(title, body, tax)
    model = load_topic_model()
    if set(model.topics) != set(tax.ids):
        return votes
    return model.predict(title, body, votes) or (votes if model.too_short(title, body) else ())


def classify_keywords(title: str, body: str, taxonomy: Taxonomy | None = None) -> tuple[str, ...]:
    """Topics of a post by the taxonomy's weighted keywords, best first then by id."""
    tax = taxonomy or load_taxonomy()
    settings = tax.settings
    scores = _score(tax._matcher, title, settings.title_weight, cap=1)
    for tid, value in _score(tax._matcher, body, 1.0, cap=settings.body_cap).items():
        scores[tid] = scores.get(tid, 0.0) + value
    if not scores:
        return ()
    floor = max(settings.min_score, settings.relative_score * max(scores.values()))
    ranked = sorted((-value, tid) for tid, value in scores.items() if value >= floor)
    return tuple(tid for _, tid in ranked[: settings.max_topics])


def categorise(
    categories: Sequence[str], title: str, body: str, taxonomy: Taxonomy | None = None
) -> tuple[str, ...]:
    """Topics of a post: its site categories' topics if any map, else :func:`classify`."""
    tax = taxonomy or load_taxonomy()
    return topics_for_categories(categories, tax) or tuple(sorted(classify(title, body, tax)))


def _score(matcher: _Matcher, text: str, weight: float, cap: int) -> dict[str, float]:
    tokens = _tokens(text)
    folded = [token.casefold() for token in tokens]
    counts: dict[int, int] = {}
    for index, token in enumerate(tokens):
        hits, starts_phrase = matcher.cache.get(token) or _cache_entry(matcher, token)
        if starts_phrase:
            hits += _phrase_hits(matcher, True, tokens, index)
            hits += _phrase_hits(matcher, False, folded, index)
        for kid in hits:
            counts[kid] = counts.get(kid, 0) + 1
    scores: dict[str, float] = {}
    for kid, count in counts.items():
        for tid in matcher.owners[kid]:
            scores[tid] = scores.get(tid, 0.0) + weight * min(count, cap)
    return scores


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(_APOSTROPHES.sub("'", text))


def _cache_entry(matcher: _Matcher, token: str) -> tuple[tuple[int, ...], bool]:
    hits: tuple[int, ...] = ()
    for flag, word in ((True, token), (False, token.casefold())):
        hits += matcher.exact.get((flag, word), ())
        for size in matcher.stem_lengths:
            if size <= len(word):
                hits += matcher.stems.get((flag, word[:size]), ())
    starts = (True, token) in matcher.phrases or (False, token.casefold()) in matcher.phrases
    if len(matcher.cache) > _CACHE_LIMIT:
        matcher.cache.clear()
    matcher.cache[token] = (hits, starts)
    return hits, starts


def _phrase_hits(matcher: _Matcher, flag: bool, words: list[str], index: int) -> tuple[int, ...]:
    hits: tuple[int, ...] = ()
    for rest, wildcard, kid in matcher.phrases.get((flag, words[index]), ()):
        following = words[index + 1 : index + 1 + len(rest)]
        if len(following) < len(rest) or following[:-1] != list(rest[:-1]):
            continue
        last = following[-1]
        if last == rest[-1] or (wildcard and last.startswith(rest[-1])):
            hits += (kid,)
    return hits


def _load(path: Path) -> Taxonomy:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the taxonomy ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc}); fix the syntax") from exc
    return _parse(data, str(path))


def _parse(data: dict[str, Any], where: str) -> Taxonomy:
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}; expected {sorted(_TOP_KEYS)}")
    raw_topics = data.get("topics")
    if not isinstance(raw_topics, dict) or not raw_topics:
        raise ConfigError(f"{where}: key 'topics' must hold [topics.<id>] tables")
    topics = tuple(_parse_topic(tid, raw, where) for tid, raw in raw_topics.items())
    ignored = frozenset(normalise_category(n) for n in _strings(data, "ignore", where))
    index: dict[str, list[str]] = {}
    for topic in topics:
        for alias in topic.aliases:
            key = normalise_category(alias)
            if key in ignored:
                raise ConfigError(f"{where}: topics.{topic.id}.aliases {alias!r} is also ignored")
            index.setdefault(key, []).append(topic.id)
    return Taxonomy(
        topics=topics,
        ignored=ignored,
        alias_index={key: tuple(sorted(set(ids))) for key, ids in index.items()},
        settings=_parse_settings(data.get("classifier", {}), where),
        source=where,
        _matcher=_compile(topics),
    )


def _parse_topic(tid: str, raw: Any, where: str) -> Topic:
    name = f"topics.{tid}"
    if not _TOPIC_ID.match(tid):
        raise ConfigError(f"{where}: {name}: topic ids are lowercase words joined by '-'")
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: {name} must be a table with label, aliases, keywords")
    extra = sorted(set(raw) - _TOPIC_KEYS)
    if extra:
        raise ConfigError(f"{where}: {name}: unknown key {extra[0]!r}")
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        raise ConfigError(f"{where}: {name}.label must be a non-empty string")
    aliases = _strings(raw, "aliases", f"{where}: {name}")
    keywords = _strings(raw, "keywords", f"{where}: {name}")
    return Topic(tid, label, aliases, keywords)


def _strings(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = table.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise ConfigError(f"{where}: key {key!r} must be a list of non-empty strings")
    return tuple(values)


def _parse_settings(raw: Any, where: str) -> ClassifierSettings:
    defaults = ClassifierSettings()
    if not isinstance(raw, dict) or set(raw) - set(ClassifierSettings.__slots__):
        raise ConfigError(f"{where}: [classifier] keys are {list(ClassifierSettings.__slots__)}")
    values: dict[str, Any] = {}
    for key in ClassifierSettings.__slots__:
        value = raw.get(key, getattr(defaults, key))
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{where}: classifier.{key} must be a non-negative number")
        values[key] = value
    return ClassifierSettings(**values)


def _compile(topics: Sequence[Topic]) -> _Matcher:
    owners: dict[str, list[str]] = {}
    for topic in topics:
        for keyword in topic.keywords:
            owners.setdefault(keyword.strip(), []).append(topic.id)
    exact: dict[tuple[bool, str], tuple[int, ...]] = {}
    stems: dict[tuple[bool, str], tuple[int, ...]] = {}
    phrases: dict[tuple[bool, str], tuple[tuple[tuple[str, ...], bool, int], ...]] = {}
    for kid, keyword in enumerate(owners):
        flag = keyword != keyword.lower()
        wildcard = keyword.endswith("*")
        words = tuple(_tokens(keyword.rstrip("*")))
        words = words if flag else tuple(w.casefold() for w in words)
        if len(words) > 1:
            key = (flag, words[0])
            phrases[key] = (*phrases.get(key, ()), (words[1:], wildcard, kid))
        elif words:
            table = stems if wildcard else exact
            table[(flag, words[0])] = (*table.get((flag, words[0]), ()), kid)
    return _Matcher(
        exact=exact,
        stems=stems,
        stem_lengths=tuple(sorted({len(word) for _, word in stems})),
        phrases=phrases,
        owners=tuple(tuple(sorted(set(ids))) for ids in owners.values()),
    )
