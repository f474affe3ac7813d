"""Near-duplicate posts: MinHash signatures, an LSH index, and duplicate groups.

A body is normalised (``post_identity.normalise_text``), cut into word 5-gram shingles and
summarised by a 128-permutation MinHash (datasketch, fixed seed, so a signature computed
today matches one stored years ago). Two posts are copies when their bodies are identical
after normalisation (same ``content_hash``) or their estimated Jaccard similarity reaches
``THRESHOLD``. Titles are never compared: the same title over a different body is a
different post.

:func:`find_duplicates` is pure: it takes the new posts' fingerprints and an index of
known ones (``DuplicateIndex``; the warehouse fills it from ``post_fingerprints`` and
``post_lsh_bands``, see ``warehouse.near_duplicate_index``) and says which post of each group
is the canonical one: the earliest published, then a news site's over an MP site's
cross-post, then the first seen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from pipeline.post_identity import content_hash, normalise_text

__all__ = [
    "LSH_THRESHOLD",
    "MIN_WORDS",
    "NUM_PERM",
    "SEED",
    "SHINGLE",
    "THRESHOLD",
    "DuplicateGroup",
    "DuplicateIndex",
    "Fingerprint",
    "band_keys",
    "evaluate_pairs",
    "find_duplicates",
    "fingerprint",
    "is_duplicate",
    "signature",
    "similarity",
]

NUM_PERM = 128
SHINGLE = 5
SEED = 20200127
THRESHOLD = 0.5  # estimated Jaccard of 5-gram shingles; chosen from dedupe_pairs.jsonl
LSH_THRESHOLD = 0.3  # candidate search, lower than THRESHOLD: every candidate is verified
MIN_WORDS = 20  # shorter bodies only ever match by URL, never by content
_SCHEME = "affine32"
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=_SCHEME).permutations
_LSH_SHAPE = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)  # datasketch's (b, r)
_BANDS, _ROWS = _LSH_SHAPE.b, _LSH_SHAPE.r
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What dedupe knows about one post id (one URL's post).

    ``minhash`` is the signature as bytes (``NUM_PERM`` little-endian uint32); ``words``
    the normalised body's length. ``canonical_id`` is, for a known post, the post it is
    stored under ('' or its own id when it is canonical itself).
    """

    post_id: str
    content_hash: str
    minhash: bytes
    words: int
    published_date: date | None = None
    kind: str = ""
    first_seen_at: datetime | None = None
    canonical_id: str = ""

    @property
    def group(self) -> str:
        return self.canonical_id or self.post_id

    def rank(self) -> tuple[object, ...]:
        """Lower is more original: earliest date, news site, first seen, then the id."""
        return (
            self.published_date or date.max,
            self.kind != "news_site",
            self.first_seen_at or _FAR_FUTURE,
            self.post_id,
        )


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Post ids that are one post: ``canonical_id`` keeps the content, every member is a
    sighting of it. ``superseded`` are earlier canonical ids now folded into it."""

    canonical_id: str
    members: tuple[str, ...]
    superseded: tuple[str, ...] = ()


@dataclass(slots=True)
class DuplicateIndex:
    """Known fingerprints, looked up by id, by content hash and by LSH band."""

    entries: dict[str, Fingerprint] = field(default_factory=dict)
    _by_hash: dict[str, list[str]] = field(default_factory=dict)
    _lsh: MinHashLSH = field(
        default_factory=lambda: MinHashLSH(num_perm=NUM_PERM, params=(_BANDS, _ROWS))
    )

    @classmethod
    def of(cls, fingerprints: Iterable[Fingerprint]) -> DuplicateIndex:
        index = cls()
        for fp in fingerprints:
            index.add(fp)
        return index

    def add(self, fp: Fingerprint) -> None:
        """Add or replace ``fp`` (a known id keeps its LSH entry)."""
        if fp.post_id not in self.entries:
            self._by_hash.setdefault(fp.content_hash, []).append(fp.post_id)
            if fp.words >= MIN_WORDS:
                self._lsh.insert(fp.post_id, _minhash(fp.minhash))
        self.entries[fp.post_id] = fp

    def get(self, post_id: str) -> Fingerprint | None:
        return self.entries.get(post_id)

    def same_body(self, fp: Fingerprint) -> list[Fingerprint]:
        return [self.entries[i] for i in self._by_hash.get(fp.content_hash, ()) if i != fp.post_id]

    def similar(self, fp: Fingerprint) -> list[tuple[float, Fingerprint]]:
        """Known posts whose estimated Jaccard with ``fp`` reaches THRESHOLD, best first."""
        found = []
        for other_id in self._lsh.query(_minhash(fp.minhash)):
            other = self.entries[other_id]
            score = similarity(fp.minhash, other.minhash)
            if other_id != fp.post_id and score >= THRESHOLD:
                found.append((score, other))
        return sorted(found, key=lambda pair: (-pair[0], pair[1].rank()))


def signature(body: str) -> bytes:
    """The MinHash signature of a body: NUM_PERM uint32, little-endian, as bytes."""
    words = normalise_text(body).split()
    shingles = [
        " ".join(words[i : i + SHINGLE]).encode("utf-8")
        for i in range(max(1, len(words) - SHINGLE + 1))
    ]
    minhash = MinHash(num_perm=NUM_PERM, permutations=_PERMUTATIONS, scheme=_SCHEME)
    minhash.update_batch(shingles)
    return minhash.hashvalues.astype("<u4").tobytes()


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.mean(_values(a) == _values(b)))


def fingerprint(
    post_id: str,
    body: str,
    *,
    published_date: date | None = None,
    kind: str = "",
    first_seen_at: datetime | None = None,
) -> Fingerprint:
    """A new post's fingerprint."""
    return Fingerprint(
        post_id=post_id,
        content_hash=content_hash(body),
        minhash=signature(body),
        words=len(normalise_text(body).split()),
        published_date=published_date,
        kind=kind,
        first_seen_at=first_seen_at,
    )


def band_keys(minhash: bytes) -> list[int]:
    """The signature's LSH band keys (signed 64-bit, band number mixed in): two posts
    sharing a key are candidates, exactly as in the in-memory index."""
    values = _values(minhash)
    keys = []
    for band in range(_BANDS):
        chunk = values[band * _ROWS : (band + 1) * _ROWS].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(2, "little"))
        keys.append(int.from_bytes(digest.digest(), "little", signed=True))
    return keys


def is_duplicate(a: str, b: str, threshold: float = THRESHOLD) -> bool:
    """Whether two bodies are one post by content (title never matters)."""
    fa, fb = fingerprint("a", a), fingerprint("b", b)
    if min(fa.words, fb.words) < MIN_WORDS:
        return fa.content_hash == fb.content_hash and fa.words > 0
    return fa.content_hash == fb.content_hash or similarity(fa.minhash, fb.minhash) >= threshold


def find_duplicates(new: Sequence[Fingerprint], index: DuplicateIndex) -> list[DuplicateGroup]:
    """Groups of copies among ``new`` posts and the known posts in ``index``.

    A known id stays in its group (a URL never changes post). A new id joins the group of
    a known or earlier new post with the same body, else of the most similar one above
    THRESHOLD. Only groups with a new member are returned, and only when they have more
    than one member or fold in an earlier canonical. ``index`` gains the new posts.
    """
    stored = frozenset(index.entries)
    joined: dict[str, str] = {}  # new post id -> group key (a canonical id)
    for fp in sorted(new, key=Fingerprint.rank):
        known = index.get(fp.post_id)
        match = known or _best_match(fp, index)
        key = match.group if match else fp.post_id
        joined[fp.post_id] = key
        index.add(_with_group(fp, key) if known is None else _refreshed(known, fp))
    return _groups(joined, index, stored)


def evaluate_pairs(path: str | Path, threshold: float = THRESHOLD) -> tuple[float, float]:
    """Precision and recall of :func:`is_duplicate` on labelled pairs (JSON lines with
    ``a``, ``b`` and ``duplicate``). Precision is 1.0 when nothing is flagged."""
    tp = fp = fn = 0
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        pair = json.loads(line)
        said, truth = is_duplicate(pair["a"], pair["b"], threshold), bool(pair["duplicate"])
        tp += said and truth
        fp += said and not truth
        fn += truth and not said
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


def _best_match(fp: Fingerprint, index: DuplicateIndex) -> Fingerprint | None:
    if fp.words < MIN_WORDS:
        return None
    exact = sorted(index.same_body(fp), key=Fingerprint.rank)
    if exact:
        return exact[0]
    similar = index.similar(fp)
    return similar[0][1] if similar else None


def _groups(
    joined: dict[str, str], index: DuplicateIndex, stored: frozenset[str]
) -> list[DuplicateGroup]:
    members: dict[str, set[str]] = {}
    for post_id, key in joined.items():
        members.setdefault(key, set()).update({post_id, key})
    groups = []
    for key, ids in sorted(members.items()):
        ranked = sorted((index.entries[i] for i in ids if i in index.entries), key=Fingerprint.rank)
        canonical = ranked[0].post_id if ranked else key
        superseded = (key,) if key in stored and key != canonical else ()
        if len(ids) > 1 or superseded:
            groups.append(DuplicateGroup(canonical, tuple(sorted(ids)), superseded))
    for group in groups:
        for post_id in (*group.members, *group.superseded):
            fp = index.entries.get(post_id)
            if fp is not None:
                index.add(_with_group(fp, group.canonical_id))
    return groups


def _refreshed(known: Fingerprint, new: Fingerprint) -> Fingerprint:
    """A known post seen again: its new body, its place in its group kept."""
    return Fingerprint(
        post_id=known.post_id,
        content_hash=new.content_hash,
        minhash=new.minhash,
        words=new.words,
        published_date=new.published_date or known.published_date,
        kind=new.kind or known.kind,
        first_seen_at=min(
            (t for t in (known.first_seen_at, new.first_seen_at) if t is not None), default=None
        ),
        canonical_id=known.canonical_id,
    )


def _with_group(fp: Fingerprint, canonical_id: str) -> Fingerprint:
    return Fingerprint(
        fp.post_id,
        fp.content_hash,
        fp.minhash,
        fp.words,
        fp.published_date,
        fp.kind,
        fp.first_seen_at,
        "" if canonical_id == fp.post_id else canonical_id,
    )


def _values(minhash: bytes) -> np.ndarray:
    return np.frombuffer(minhash, dtype="<u4")


def _minhash(values: bytes) -> MinHash:
    return MinHash(
        hashvalues=_values(values).astype(np.uint64),
        permutations=_PERMUTATIONS,
        scheme=_SCHEME,
    )
