"""Topics: category-name matching, the taxonomy file, and the offline classifier."""

from __future__ import annotations

from pathlib import Path

import pytest

import mpnews.samples
from mpnews.exceptions import ConfigError
from pipeline.categorise import (
    categorise,
    classify,
    classify_keywords,
    load_taxonomy,
    normalise_category,
    topics_for_categories,
)

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = Path(mpnews.samples.__file__).parent / "content" / "seeds"
WEEBLY_CATEGORIES = (FIXTURES / "weebly_categories.txt").read_text(encoding="utf-8").splitlines()


def _seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Cost Of Living Crisis", "Cost-of-Living Crisis"),
        ("Israel Palestine", "Israel - Palestine"),
        ("Faith & Religion", "faith and religion"),
        ("Worker's Rights", "Workers’ Rights"),
        ("LGBT+", "lgbt"),
        ("Policing And Safety", "Policing & Safety"),
        ("  Black   History Month ", "black-history-month"),
    ],
)
def test_near_duplicates_normalise_equal(left: str, right: str) -> None:
    assert normalise_category(left) == normalise_category(right)


def test_distinct_categories_stay_distinct() -> None:
    keys = {normalise_category(name) for name in WEEBLY_CATEGORIES}
    assert len(keys) == len(WEEBLY_CATEGORIES) - 2  # exactly the two near-duplicate pairs


@pytest.mark.parametrize("category", WEEBLY_CATEGORIES)
def test_every_weebly_category_is_mapped_or_ignored(category: str) -> None:
    assert load_taxonomy().topics_for(category) is not None, f"add {category!r} to topics.toml"


def test_taxonomy_shape() -> None:
    taxonomy = load_taxonomy()
    assert 25 <= len(taxonomy.topics) <= 40
    assert all(topic.label and topic.aliases and topic.keywords for topic in taxonomy.topics)
    assert taxonomy.topics_for("All") == ()


def test_topics_for_categories() -> None:
    assert topics_for_categories(["NHS", "A&E", "Cost-of-Living Crisis", "All", "Nonsense"]) == (
        "cost-of-living",
        "health-nhs",
    )
    assert topics_for_categories(["Israel - Palestine"]) == ("israel-palestine",)
    assert topics_for_categories([]) == ()


def test_categorise_prefers_site_categories() -> None:
    assert categorise(["Housing"], "NHS waiting lists", "The NHS and hospitals.") == ("housing",)
    assert "health-nhs" in categorise(["All"], "NHS waiting lists", "The NHS and hospitals.")


def test_classify_independent_article() -> None:
    title, _, body = _seed("news-article-independent.txt").partition("\n")
    assert {"labour-party", "health-nhs"} <= set(classify(title, body))
    assert {"labour-party", "equalities-women", "health-nhs"} <= set(classify_keywords(title, body))


def test_classify_hustings_answer() -> None:
    text = _seed("hustings-post-wordpress.txt")
    body = text.split("Heidi Alexander – virtual hustings", 1)[1]
    assert "equalities-women" in classify("Heidi Alexander – virtual hustings", body)
    topics = set(classify_keywords("Heidi Alexander – virtual hustings", body))
    assert "equalities-women" in topics
    assert topics & {"social-care", "brexit-eu"}


def test_classify_short_posts() -> None:
    assert classify(
        "Social Care Reform", "The social care system is broken; care homes need funding."
    ) == ("social-care",)
    assert classify("Thank you", "A lovely day out.") == ()
    assert classify("", "") == ()


def test_keywords_match_whole_words_and_respect_case() -> None:
    text = "Remainders of the meal. The eu-phoria. eu eu eu"
    assert "brexit-eu" not in classify_keywords("", text)
    assert "armed-forces" not in classify_keywords("", "petitions petitions veterinary vetting")


def test_classify_is_deterministic() -> None:
    title, _, body = _seed("news-article-independent.txt").partition("\n")
    assert len({classify(title, body) for _ in range(5)}) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[topics.x\n", "invalid TOML"),
        ('[topics.health]\nlabel = ""\naliases = []\nkeywords = []\n', "topics.health.label"),
        ('[topics.health]\nlabel = "H"\naliases = "NHS"\n', "'aliases'"),
        ('[topics.Bad_Id]\nlabel = "H"\n', "topics.Bad_Id"),
        ('[topics.health]\nlabel = "H"\ncolour = "red"\n', "unknown key 'colour'"),
        ('ignore = ["NHS"]\n[topics.health]\nlabel = "H"\naliases = ["NHS"]\n', "also ignored"),
        ('[classifier]\nmin_score = "high"\n[topics.h]\nlabel = "H"\n', "classifier.min_score"),
        ("unknown = 1\n", "unknown key 'unknown'"),
    ],
)
def test_broken_taxonomy_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"topics\.toml") as caught:
        load_taxonomy(path)
    assert message in str(caught.value)


def test_missing_taxonomy_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_taxonomy(tmp_path / "absent.toml")
