"""Regenerate ``mpnews/data/mps.csv`` from a House snapshot folder.

    .venv/bin/python scripts/build_registry.py [--snapshot ../shared/registry] [--out FILE]

Facts (names, seats, parties, websites, who sits) come from the snapshot's
``mps_current.csv`` and ``mps_2024.csv``; what the registry already holds by hand (aliases,
surnames, earlier seats, MPs who left before 2024) is kept. Prints what changed.
Review the diff like code, then run ``.venv/bin/pytest tests/pipeline/test_mps.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mpnews.exceptions import MpnewsError
from mpnews.house.facts import merge_facts
from mpnews.house.members import default_registry_path, read_members, write_members
from mpnews.house.snapshot import read_snapshot


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--snapshot", type=Path, default=Path("../shared/registry"))
    parser.add_argument("--out", type=Path, default=default_registry_path())
    args = parser.parse_args(argv)
    try:
        old = read_members(args.out) if args.out.is_file() else ()
        merged, changes = merge_facts(old, read_snapshot(args.snapshot))
        write_members(args.out, merged)
    except MpnewsError as exc:
        print(f"build_registry: error: {exc}", file=sys.stderr)
        return 2
    for line in changes.lines():
        print(line)
    sitting = sum(mp.sitting for mp in merged)
    print(f"{args.out}: {len(merged)} MPs ({sitting} sitting)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
