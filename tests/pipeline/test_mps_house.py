"""Mention linking across the whole House: the generated benchmark set and the hard cases."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from pipeline.mps import find_mps, load_registry

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "mentions.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mentions_bench", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _counts(text: str) -> dict[str, int]:
    return {m.mp: m.count for m in find_mps("", text)}


def test_generated_sentences_meet_the_targets() -> None:
    bench = _bench()
    registry = load_registry()
    cases = bench.generate(registry, 400, 9)
    assert len(cases) == 400 and len({c.template for c in cases}) >= 21
    assert sum(1 for c in cases if not c.gold) >= 80  # distractors that must link nobody
    result, _ = bench.score(registry, cases)
    assert result.precision >= 0.99
    assert result.recall >= 0.95


def test_registry_is_the_whole_house() -> None:
    registry = load_registry()
    sitting = [mp for mp in registry.mps if mp.sitting]
    assert len(sitting) == 650
    assert len({mp.constituency for mp in sitting}) == 650
    assert all(mp.member_id for mp in sitting)
    flynn = registry.by_member_id(4735)
    assert flynn and flynn.name == "Stephen Flynn" and not flynn.sitting
    starmer = registry.get("Keir Starmer")
    assert starmer and starmer.member_id == 4514 and "Sir" in starmer.honorifics


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The MP for Bermondsey & Old Southwark spoke.", {"Neil Coyle": 1}),
        ("The MP for Queen's Park and Maida Vale spoke.", {"Georgia Gould": 1}),
        ("Bridlington and the Wolds MP Charlie Dewhirst said so.", {"Charlie Dewhirst": 1}),
        ("Wigan's MP spoke. Lisa Nandy's plan passed.", {"Lisa Nandy": 2}),
        ("Councillor Trevor Starmer and Lord Starmer met.", {}),
        ("Sir Keir Starmer spoke. Baroness Starmer did not.", {"Keir Starmer": 1}),
        ("Member of Parliament for Tooting Dr Rosena Allin-Khan", {"Rosena Allin-Khan": 1}),
        ("Diane Abbott and Ms Abbott", {"Diane Abbott": 2}),
        ("She grew up in Tooting.", {}),
        ("Hartlepool MP Mike Hill was suspended.", {}),  # an earlier MP, not today's
        ("Mike Hill, the Hartlepool MP, was suspended.", {}),
        ("Tooting MP Rosena Allin-Khan spoke.", {"Rosena Allin-Khan": 1}),
        ("Sir Keir Starmer spoke. Later Sir Keir said no.", {"Keir Starmer": 2}),
        ("Sir Keir said no.", {}),  # no knighted Keir named on the page
        ("Dame Meg Hillier and Dame Meg", {"Meg Hillier": 2}),
    ],
)
def test_references(text: str, expected: dict[str, int]) -> None:
    assert _counts(text) == expected


def test_two_mps_with_one_surname_are_never_merged() -> None:
    text = "Diane Abbott and Jack Abbott spoke. Abbott said no. Ms Abbott agreed."
    assert _counts(text) == {"Diane Abbott": 1, "Jack Abbott": 1}


def test_mentions_carry_member_ids() -> None:
    (mention,) = find_mps("", "Rosena Allin-Khan spoke.")
    assert (mention.mp, mention.member_id) == ("Rosena Allin-Khan", 4573)
