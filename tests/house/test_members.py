"""The registry file's new columns, and building it from a House snapshot folder."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from mpnews.exceptions import ConfigError
from mpnews.house.facts import MemberFacts, merge_facts, plain_name
from mpnews.house.members import Mp, format_members, read_members
from mpnews.house.snapshot import read_snapshot

ROOT = Path(__file__).resolve().parents[2]
HEADER = "member_id,name,constituency,party,sitting,sat_from,site,website\n"
SNAPSHOT_HEADER = "name,constituency,party,member_id,website,source\n"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("x1,A B,X,Y,yes,,,\n", "line 2: column 'member_id' is 'x1'"),
        ("1,A B,X,Y,maybe,,,\n", "line 2: column 'sitting' is 'maybe'; use yes or no"),
        ("1,A B,X,Y,yes,4 July 2024,,\n", "line 2: column 'sat_from' is '4 July 2024'"),
        ("1,A B,X,Y,yes,,blog,\n", "line 2: column 'site' is 'blog'"),
        ("1,A B,X,Y,yes,,,\n1,C D,Z,Y,yes,,,\n", "member_id 1 appears twice"),
    ],
)
def test_bad_cells_are_one_line_errors(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "mps.csv"
    path.write_text(HEADER + row, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        read_members(path)
    assert str(info.value).startswith(str(path)) and message in str(info.value)


def test_registry_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "mps.csv"
    mps = (
        Mp("Ann Example", "Testshire, Upper and Lower", "Green Party", aliases=("Annie",),
           honorifics=("Dr",), member_id=7, sat_from=date(2024, 7, 4), website="https://a.example",
           site="own", surname="Example", is_sitting=True),
        Mp("Old Member", "Oldtown", "Labour", left="2016", surname="Member", is_sitting=False),
    )  # fmt: skip
    path.write_text(format_members(mps), encoding="utf-8")
    assert read_members(path) == mps


def test_plain_names_keep_sir_dame_dr_only() -> None:
    assert plain_name("Sir Keir Starmer") == ("Keir Starmer", ("Sir",))
    assert plain_name("Ms Diane Abbott") == ("Diane Abbott", ())
    assert plain_name("Rt Hon Dame Meg Hillier") == ("Meg Hillier", ("Dame",))


def _snapshot(folder: Path) -> Path:
    folder.mkdir()
    (folder / "mps_2024.csv").write_text(
        SNAPSHOT_HEADER
        + "Ann Old,Testshire,Labour,1,,x\nDr Bea Stay,Otherton,Green Party,2,www.bea.example,x\n",
        encoding="utf-8",
    )
    (folder / "mps_current.csv").write_text(
        SNAPSHOT_HEADER
        + "Cy New,Testshire,Reform UK,3,,x\nDr Bea Stay,Otherton,Independent,2,www.bea.example,x\n",
        encoding="utf-8",
    )
    return folder


def test_snapshot_gives_sitting_mps_and_departures(tmp_path: Path) -> None:
    facts = {f.member_id: f for f in read_snapshot(_snapshot(tmp_path / "snap"))}
    assert facts[1].sitting is False and facts[1].sat_from == date(2024, 7, 4)
    assert facts[2].sitting and facts[2].party == "Independent"
    assert facts[3].sitting and facts[3].sat_from is None  # came in after the election


def test_build_script_merges_and_keeps_hand_edits(tmp_path: Path) -> None:
    out = tmp_path / "mps.csv"
    out.write_text(
        "name,aliases,constituency,party,former_constituencies\n"
        "Bea Stay,Beatrice Stay,Otherton,Green,Old Otherton\n",
        encoding="utf-8",
    )
    snapshot = _snapshot(tmp_path / "snap")
    script = ROOT / "scripts" / "build_registry.py"
    cmd = [sys.executable, str(script), "--snapshot", str(snapshot), "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120)
    assert "party change: Bea Stay" in done.stdout
    mps = {mp.name: mp for mp in read_members(out)}
    assert set(mps) == {"Ann Old", "Bea Stay", "Cy New"}
    bea = mps["Bea Stay"]
    assert (bea.member_id, bea.honorifics, bea.aliases) == (2, ("Dr",), ("Beatrice Stay",))
    assert bea.former_constituencies == ("Old Otherton",)
    assert bea.website == "https://www.bea.example" and bea.site == "own"
    assert not mps["Ann Old"].sitting


def test_merge_keeps_an_old_name_as_alias_and_an_old_seat_as_former() -> None:
    old = [Mp("Jo Smith", "Ayeshire", "Labour", member_id=5, is_sitting=True)]
    fact = MemberFacts(5, "Jo Smith-Jones", "Beeshire", "Labour", sitting=True)
    (new,), changes = merge_facts(old, [fact])
    assert new.name == "Jo Smith-Jones" and new.aliases == ("Jo Smith",)
    assert new.former_constituencies == ("Ayeshire",)
    assert changes.renamed == ("Jo Smith -> Jo Smith-Jones (5)",)
