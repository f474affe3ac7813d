"""MP linking: the registry file, mention finding and the primary MP of a post."""

from __future__ import annotations

from pathlib import Path

import pytest

import mpnews.samples
from mpnews.exceptions import ConfigError
from pipeline.mps import MpMention, find_mps, load_registry, primary_mp

SEEDS = Path(mpnews.samples.__file__).parent / "content" / "seeds"
HEADER = "name,aliases,constituency,party,honorifics,surname,former_constituencies,left\n"


def _seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def _counts(title: str, body: str) -> dict[str, int]:
    return {m.mp: m.count for m in find_mps(title, body)}


def test_registry_has_the_seed_mps() -> None:
    registry = load_registry()
    assert len(registry.mps) >= 60
    rosena = registry.get("Rosena Allin-Khan")
    assert rosena and (rosena.constituency, rosena.party, rosena.sitting) == (
        "Tooting",
        "Labour",
        True,
    )
    assert registry.get("Fleur Anderson") and registry.get("Heidi Alexander")
    assert "Lewisham East" in registry.get("Heidi Alexander").former_constituencies  # type: ignore[union-attr]


def test_independent_article_is_about_allin_khan() -> None:
    title, _, body = _seed("news-article-independent.txt").partition("\n")
    mentions = find_mps(title, body)
    assert mentions[0].mp == "Rosena Allin-Khan" and mentions[0].in_title
    assert mentions[0].count >= 5
    assert primary_mp(mentions) == "Rosena Allin-Khan"
    assert {"Angela Rayner", "Dawn Butler", "Richard Burgon", "Ian Murray"} <= {
        m.mp for m in mentions
    }


def test_weebly_posts_mention_anderson_and_starmer() -> None:
    counts = _counts("", _seed("mp-blog-page-weebly.txt"))
    assert counts["Fleur Anderson"] >= 2
    assert counts["Keir Starmer"] >= 2
    assert counts["Rosena Allin-Khan"] >= 5
    assert counts.get("Sadiq Khan") == 1  # "Khan" inside "Allin-Khan" is not Sadiq Khan


def test_hustings_post_is_about_heidi_alexander() -> None:
    body = _seed("hustings-post-wordpress.txt").split("Heidi Alexander – virtual hustings", 1)[1]
    mentions = find_mps("Heidi Alexander – virtual hustings", body)
    assert primary_mp(mentions) == "Heidi Alexander"


@pytest.mark.parametrize(
    "text",
    [
        "The Tooting MP said she would act.",
        "Tooting MP warns of cuts.",
        "She is the MP for Tooting.",
        "Tooting's Labour MP spoke.",
        "Dr Rosena Allin-Khan visited.",
        "Rosena Allin-Khan MP visited.",
    ],
)
def test_references_resolve_to_allin_khan(text: str) -> None:
    assert _counts("", text) == {"Rosena Allin-Khan": 1}


def test_seat_and_name_together_count_once() -> None:
    assert _counts("", "Tooting MP Dr Allin-Khan said so.") == {"Rosena Allin-Khan": 1}
    assert _counts("", "Putney's new MP, Fleur Anderson, said so.") == {"Fleur Anderson": 1}


def test_former_seat_holder_only_when_named() -> None:
    assert _counts("", "The MP for Lewisham East spoke.") == {"Janet Daby": 1}
    assert _counts("", "Heidi Alexander, then MP for Lewisham East, spoke.") == {
        "Heidi Alexander": 2
    }
    assert _counts("", "Sadiq Khan, the former Tooting MP, spoke.") == {"Sadiq Khan": 2}


def test_titled_surname_needs_an_unambiguous_mp() -> None:
    assert _counts("", "Mr Starmer and Sir Keir Starmer") == {"Keir Starmer": 2}
    assert _counts("", "Ms Anderson said so.") == {}  # Fleur Anderson or Lee Anderson
    assert _counts("", "Fleur Anderson spoke. Ms Anderson said so.") == {"Fleur Anderson": 2}


def test_surnames_as_common_words_are_not_mps() -> None:
    assert _counts("", "Theresa May called local elections in May.") == {"Theresa May": 1}
    assert _counts("", "Lord Hunt said the hunt was on. Hunt saboteurs gathered.") == {}
    assert _counts("", "Starmerism and allin-khan and The Tootingest MP") == {}
    assert _counts("", "Keir Starmer met Joe Starmer.") == {"Keir Starmer": 1}


def test_names_are_case_sensitive_and_word_bounded() -> None:
    assert _counts("", "keir starmer, RACHEL REEVES, XKeir Starmer") == {}


def test_primary_mp_rules() -> None:
    one = MpMention("A", 1, False)
    assert primary_mp([MpMention("B", 1, True), MpMention("A", 5, False)]) == "B"
    assert primary_mp([one]) is None
    assert primary_mp([MpMention("A", 3, False), MpMention("B", 3, False)]) is None
    assert primary_mp([MpMention("A", 3, False), MpMention("B", 2, False)]) == "A"
    assert primary_mp([]) is None


def test_custom_registry(tmp_path: Path) -> None:
    path = tmp_path / "mps.csv"
    path.write_text(
        HEADER + 'Ann Example,"Annie Example",Testshire,Green,Dr,,,\n', encoding="utf-8"
    )
    registry = load_registry(path)
    assert find_mps("Annie Example wins", "Dr Example said.", registry) == (
        MpMention("Ann Example", 2, True),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,constituency\nA B,X\n", "missing column 'party'"),
        ("name,constituency,party,colour\nA B,X,Y,red\n", "unknown column 'colour'"),
        (HEADER + "A B,,X,Y,,,,,extra\n", "line 2: wrong number of fields"),
        (HEADER + "A B,,,Y,,,,\n", "line 2: column 'constituency' is empty"),
        (HEADER + "A B,,X,Y,,,,\nA B,,Z,Y,,,,\n", "appears twice"),
        (HEADER, "no rows"),
        ('name,constituency,party\n"A B,X,Y\n', "cannot read"),
    ],
)
def test_broken_registry_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "mps.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"mps\.csv") as caught:
        load_registry(path)
    assert message in str(caught.value)
