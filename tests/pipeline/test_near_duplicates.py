"""MinHash signatures, duplicate groups, and the labelled pairs that set the threshold."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pipeline.near_duplicates import (
    NUM_PERM,
    THRESHOLD,
    DuplicateIndex,
    Fingerprint,
    band_keys,
    evaluate_pairs,
    find_duplicates,
    fingerprint,
    is_duplicate,
    signature,
    similarity,
)

PAIRS = Path(__file__).parent / "fixtures" / "dedupe_pairs.jsonl"
ARTICLE = " ".join(
    f"In week {i} the hospital trust said waiting times for ward {i} had grown again, and "
    f"staff asked the minister for more beds."
    for i in range(15)
)
OTHER = " ".join(f"Residents of street {i} asked the council to fix the lights." for i in range(20))
T = datetime(2020, 2, 1, tzinfo=UTC)


def _fp(post_id: str, body: str = ARTICLE, **kw: object) -> Fingerprint:
    return fingerprint(post_id, body, **kw)  # type: ignore[arg-type]


def _canonical(groups: list, post_id: str) -> str:  # type: ignore[type-arg]
    return next((g.canonical_id for g in groups if post_id in g.members), post_id)


def test_signature_is_fixed_size_and_deterministic() -> None:
    sig = signature(ARTICLE)
    assert len(sig) == NUM_PERM * 4
    assert sig == signature(ARTICLE)
    assert similarity(sig, signature(ARTICLE.upper())) == 1.0
    assert similarity(sig, signature(OTHER)) < 0.1


@given(st.lists(st.text(min_size=1), min_size=1, max_size=30))
def test_signature_ignores_whitespace_and_punctuation(words: list[str]) -> None:
    assert signature(" ".join(words)) == signature("\n\n".join(words) + " !")


def test_band_keys_are_stable_and_mix_in_the_band() -> None:
    keys = band_keys(signature(ARTICLE))
    assert keys == band_keys(signature(ARTICLE)) and len(set(keys)) == len(keys)
    assert not set(keys) & set(band_keys(signature(OTHER)))


def test_labelled_pairs_meet_the_targets() -> None:
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    kinds = Counter(p["kind"] for p in pairs)
    assert len(pairs) >= 40
    for kind in ("cross_post", "syndicated", "edited", "same_title", "boilerplate", "unrelated"):
        assert kinds[kind] >= 4, kind
    precision, recall = evaluate_pairs(PAIRS, THRESHOLD)
    assert precision == 1.0
    assert recall >= 0.95


def test_threshold_sits_inside_a_perfect_band() -> None:
    assert evaluate_pairs(PAIRS, THRESHOLD - 0.1) == (1.0, 1.0)
    assert evaluate_pairs(PAIRS, THRESHOLD + 0.1) == (1.0, 1.0)


def test_short_bodies_match_only_when_identical() -> None:
    assert not is_duplicate("Thank you to everyone who came.", "Thank you to everyone who voted.")
    assert is_duplicate("Thank you to everyone who came.", "thank you, to everyone who came")


def test_exact_and_near_copies_group_with_the_original() -> None:
    news = _fp("news", kind="news_site", published_date=date(2020, 2, 1), first_seen_at=T)
    copy = _fp("mp", f"Shared from the paper.\n\n{ARTICLE}", kind="mp_site")
    exact = _fp("exact", ARTICLE.lower(), kind="mp_site")
    other = _fp("other", OTHER)
    groups = find_duplicates([copy, other, exact, news], DuplicateIndex())
    assert len(groups) == 1
    assert groups[0].canonical_id == "news"
    assert set(groups[0].members) == {"news", "mp", "exact"}


def test_title_never_merges_and_short_bodies_never_match_by_content() -> None:
    a, b = _fp("a", "See you at the surgery."), _fp("b", "See you at the surgery.")
    assert find_duplicates([a, b], DuplicateIndex()) == []


def test_canonical_is_the_earliest_then_the_news_site() -> None:
    mp_first = _fp("mp", kind="mp_site", published_date=date(2020, 1, 30))
    news = _fp("news", ARTICLE + " Update.", kind="news_site", published_date=date(2020, 2, 1))
    assert _canonical(find_duplicates([news, mp_first], DuplicateIndex()), "news") == "mp"
    same_day = _fp("mp", kind="mp_site", published_date=date(2020, 2, 1))
    assert _canonical(find_duplicates([same_day, news], DuplicateIndex()), "mp") == "news"


def test_across_runs_known_ids_stay_and_an_earlier_original_supersedes() -> None:
    copy = _fp("mp", f"Shared.\n\n{ARTICLE}", kind="mp_site", published_date=date(2020, 2, 2))
    stored = DuplicateIndex.of([copy])
    news = _fp("news", kind="news_site", published_date=date(2020, 2, 1))
    [group] = find_duplicates([news], stored)
    assert group.canonical_id == "news" and group.superseded == ("mp",)
    assert stored.entries["mp"].group == "news"
    again = _fp("mp", f"Shared, edited.\n\n{OTHER}", kind="mp_site")  # a URL never changes post
    [group] = find_duplicates([again], stored)
    assert group.canonical_id == "news" and group.superseded == ()


def test_result_does_not_depend_on_input_order() -> None:
    fps = [
        _fp("a", kind="mp_site"),
        _fp("b", ARTICLE + " More.", kind="news_site"),
        _fp("c", f"Intro. {ARTICLE}"),
        _fp("d", OTHER),
        _fp("e", OTHER + " Thanks."),
    ]
    want = find_duplicates(fps, DuplicateIndex())
    assert find_duplicates(fps[::-1], DuplicateIndex()) == want
    assert [g.canonical_id for g in want] == ["b", "d"]
