"""``mpnews registry``: the MP registry's sources file, and its refresh from the Members API.

mpnews registry sources [--registry FILE] [--out FILE]
mpnews registry refresh [--registry FILE] [--api URL] [--dry-run]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mpnews.settings import Settings

__all__ = ["HELP", "add_arguments", "run"]

HELP = "turn the MP registry into sources, or refresh it from the UK Parliament Members API"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    sources = actions.add_parser(
        "sources", help="one mp_site [[source]] per sitting MP with a website"
    )
    sources.add_argument("--registry", type=Path, help="registry CSV (default: the packaged one)")
    sources.add_argument("--out", type=Path, help="sources file to write (default: stdout)")
    refresh = actions.add_parser(
        "refresh", help="rewrite the registry from the Members API, printing what changed"
    )
    refresh.add_argument("--registry", type=Path, help="registry CSV (default: the packaged one)")
    refresh.add_argument("--api", help="Members API base URL (default: MPNEWS_MEMBERS_API)")
    refresh.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from mpnews.house.members import default_registry_path

    registry = args.registry or default_registry_path()
    if args.action == "sources":
        return _sources(registry, args.out)
    agent = f"mpnews (+{settings.contact_url})"
    return _refresh(registry, args.api or settings.members_api, agent, dry_run=args.dry_run)


def _sources(registry: Path, out: Path | None) -> int:
    from mpnews.house.members import read_members
    from mpnews.house.sites import format_sources, source_entries

    entries = source_entries(read_members(registry))
    text = format_sources(entries)
    if out is None:
        sys.stdout.write(text)
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    party = sum(1 for e in entries if e.get("site") == "party")
    print(f"{out}: {len(entries)} sources ({party} party pages)")
    return 0


def _progress(done: int, total: int) -> None:
    if done % 100 == 0 or done == total:
        print(f"  contact data: {done}/{total} members", file=sys.stderr)


def _refresh(registry: Path, api_url: str, user_agent: str, *, dry_run: bool) -> int:
    from mpnews.house.api import MembersApi
    from mpnews.house.facts import merge_facts
    from mpnews.house.members import read_members, write_members

    old = read_members(registry)
    api = MembersApi(api_url, user_agent=user_agent)
    try:
        current = api.current_members(progress=_progress)
        ids = {f.member_id for f in current}
        gone = [
            mp.member_id for mp in old if mp.sitting and mp.member_id and mp.member_id not in ids
        ]
        merged, changes = merge_facts(old, [*current, *api.former_members(gone)])
    finally:
        api.close()
    for line in changes.lines():
        print(line)
    if changes.empty:
        print("no changes")
    sitting = sum(mp.sitting for mp in merged)
    if not dry_run:
        write_members(registry, merged)
    verb = "would write" if dry_run else "wrote"
    print(f"{verb} {registry}: {len(merged)} MPs ({sitting} sitting) from {api_url}")
    return 0
