"""Read a House snapshot folder (``mps_current.csv``, ``mps_2024.csv``) into member facts.

The folder holds the MP of each seat at a snapshot date and the winners of the 4 July 2024
general election, both with the Members API ``member_id``. Every 2024 winner who no longer
sits is a departure; every current MP who did not win the seat in 2024 came in later (the
date is not in the snapshot, so ``sat_from`` stays empty for them).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from mpnews.exceptions import ConfigError
from mpnews.house.facts import MemberFacts

__all__ = ["ELECTION_2024", "read_snapshot"]

ELECTION_2024 = date(2024, 7, 4)
_COLUMNS = ("name", "constituency", "party", "member_id", "website")


def read_snapshot(folder: str | Path) -> list[MemberFacts]:
    """Facts for every current MP and every 2024 winner who has since left."""
    folder = Path(folder)
    current = _rows(folder / "mps_current.csv")
    elected = _rows(folder / "mps_2024.csv")
    won_2024 = {(int(r["member_id"]), r["constituency"].lower()) for r in elected}
    facts = [
        MemberFacts(
            member_id=int(r["member_id"]),
            name=r["name"],
            constituency=r["constituency"],
            party=r["party"],
            sitting=True,
            website=r["website"],
            sat_from=ELECTION_2024
            if (int(r["member_id"]), r["constituency"].lower()) in won_2024
            else None,
        )
        for r in current
    ]
    sitting = {f.member_id for f in facts}
    facts += [
        MemberFacts(
            member_id=int(r["member_id"]),
            name=r["name"],
            constituency=r["constituency"],
            party=r["party"],
            sitting=False,
            website=r["website"],
            sat_from=ELECTION_2024,
        )
        for r in elected
        if int(r["member_id"]) not in sitting
    ]
    return facts


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, strict=True))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"{path}: cannot read the House snapshot ({exc})") from exc
    for line, row in enumerate(rows, start=2):
        missing = [c for c in _COLUMNS if row.get(c) is None]
        if missing:
            raise ConfigError(f"{path}: line {line}: missing column {missing[0]!r}")
        if not row["member_id"].strip().isdigit():
            raise ConfigError(
                f"{path}: line {line}: member_id {row['member_id']!r} is not a number"
            )
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in rows]
