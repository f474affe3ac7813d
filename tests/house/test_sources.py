"""Registry -> [[source]] entries, the checked-in sources/house.toml, the new source fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from mpnews.cli import main
from mpnews.config import load_sources, parse_sources, source_from_json
from mpnews.exceptions import ConfigError
from mpnews.house.facts import classify_site, normalise_website
from mpnews.house.members import Mp, read_default_members
from mpnews.house.sites import format_sources, source_entries

ROOT = Path(__file__).resolve().parents[2]
ENTRY = """
[[source]]
name = "neil-coyle"
kind = "mp_site"
mp = "Neil Coyle"
member_id = 4368
site = "own"
start_urls = ["https://neilcoyle.laboursites.org/"]
"""


def test_house_file_is_generated_from_the_registry() -> None:
    text = (ROOT / "sources" / "house.toml").read_text(encoding="utf-8")
    assert text == format_sources(source_entries(read_default_members())), (
        "regenerate: mpnews registry sources --out sources/house.toml"
    )


def test_house_file_covers_every_sitting_mp_with_a_website() -> None:
    sources = load_sources(ROOT / "sources" / "house.toml")
    with_site = [mp for mp in read_default_members() if mp.sitting and mp.website]
    assert len(sources) == len(with_site) >= 370
    assert {s.member_id for s in sources} == {mp.member_id for mp in with_site}
    assert all(s.kind == "mp_site" and s.family == "auto" for s in sources)
    assert all(u.startswith(("http://", "https://")) for s in sources for u in s.start_urls)
    party = {s.mp for s in sources if s.site == "party"}
    assert {"Paul Maskey", "Jim Shannon", "Martin Wrigley"} <= party
    assert "Neil Coyle" not in party  # a party-hosted site of his own is his own
    kinnock = next(s for s in sources if s.mp == "Stephen Kinnock")
    assert kinnock.allowed_domains == ("stephenkinnock.co.uk",)


def test_repo_demo_sources_are_untouched() -> None:
    names = [s.name for s in load_sources(ROOT / "sources.toml")]
    assert names[0] == "rosena-allin-khan" and len(names) == 4


def test_adding_an_mp_is_a_data_edit() -> None:
    mps = [
        Mp("Ann Example", "Testshire", "Green Party", member_id=1, website="www.ann.example"),
        Mp("Ann Example Two", "Otherton", "Labour", member_id=2),  # no website: no source
        Mp("Bob Gone", "Leftshire", "Labour", member_id=3, website="https://bob.example",
           is_sitting=False),
        Mp("Cat Party", "Partyshire", "Labour", member_id=4,
           website="https://www.partyshirelibdems.org.uk/cat", site="party"),
    ]  # fmt: skip
    entries = source_entries(mps)
    assert [e["name"] for e in entries] == ["ann-example", "cat-party"]
    assert entries[0]["start_urls"] == ["https://www.ann.example"]
    assert entries[1]["site"] == "party"
    sources = parse_sources(format_sources(entries))
    assert sources[0].member_id == 1 and sources[1].site == "party"


def test_sources_command_writes_a_valid_file(tmp_path: Path) -> None:
    out = tmp_path / "house.toml"
    assert main(["registry", "sources", "--out", str(out)]) == 0
    assert len(load_sources(out)) >= 370


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("www.ashleyfox.org.uk", "https://www.ashleyfox.org.uk"),
        ("http://www.Example.com/News", "http://www.example.com/News"),
        ("", ""),
    ],
)
def test_scheme_less_urls_get_one(url: str, expected: str) -> None:
    assert normalise_website(url) == expected


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        ("Paul Maskey", "https://www.sinnfein.ie/", "party"),
        ("Martin Wrigley", "https://www.newtonabbotlibdems.org.uk/martin-wrigley/", "party"),
        ("Neil Coyle", "https://neilcoyle.laboursites.org/", "own"),
        ("Stella Creasy", "http://www.workingforwalthamstow.org.uk/", "own"),
        ("Sarah Dyke", "https://www.sarahdyke.uk/sarah", "own"),
    ],
)
def test_party_pages_are_told_from_own_sites(name: str, url: str, expected: str) -> None:
    assert classify_site(name, url) == expected


def test_new_fields_load_and_round_trip() -> None:
    (source,) = parse_sources(ENTRY)
    assert (source.member_id, source.site) == (4368, "own")
    assert source_from_json(source.to_json()) == source
    (plain,) = parse_sources(ENTRY.replace('site = "own"\n', "").replace("member_id = 4368\n", ""))
    assert (plain.member_id, plain.site) == (None, "own")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("member_id = 4368", 'member_id = "4368"'), "'member_id' must be a positive whole number"),
        (("member_id = 4368", "member_id = 0"), "'member_id' must be a positive whole number"),
        (('site = "own"', 'site = "blog"'), 'unknown site \'blog\'; use "own" or "party"'),
    ],
)
def test_bad_new_fields_are_one_line(change: tuple[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_sources(ENTRY.replace(*change), origin="house.toml")
    text = str(info.value)
    assert text.startswith("house.toml: source #1 ('neil-coyle')") and message in text
    assert "\n" not in text
