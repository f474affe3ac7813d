"""Regenerate the bundled sample sites and their golden posts from ``content/``.

The generated files under ``sites/`` and ``expected_posts.json`` are committed; this script is
how they were made. Re-run it after editing a builder or ``content/extra_posts.toml``::

    python -m mpnews.samples.build          # rewrite sites/ and expected_posts.json
    python -m mpnews.samples.build --check  # exit 1 if the committed files are stale

Review the diff of ``expected_posts.json`` like code: it is the pipeline's golden output.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from mpnews.samples._common import ExpectedPost, Files
from mpnews.samples._news import build_news
from mpnews.samples._weebly import build_weebly
from mpnews.samples._wordpress import build_wordpress

__all__ = ["BUILDERS", "EXPECTED_PATH", "SITES_DIR", "main", "render", "stale_files", "write"]

HERE = Path(__file__).parent
SITES_DIR = HERE / "sites"
EXPECTED_PATH = HERE / "expected_posts.json"
BUILDERS: dict[str, Callable[[], tuple[Files, list[ExpectedPost]]]] = {
    "weebly": build_weebly,
    "wordpress": build_wordpress,
    "news": build_news,
}


def render() -> tuple[dict[str, Files], str]:
    """Every site's files (site -> relative path -> text) and the golden JSON text."""
    sites: dict[str, Files] = {}
    expected: list[ExpectedPost] = []
    for site, builder in BUILDERS.items():
        sites[site], posts = builder()
        expected.extend(posts)
    rows = sorted((p.to_json() for p in expected), key=lambda r: (r["source"], r["path"]))
    return sites, json.dumps(rows, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(sites_dir: Path = SITES_DIR, expected_path: Path = EXPECTED_PATH) -> int:
    """Replace ``sites_dir`` and ``expected_path`` with freshly rendered files; file count."""
    sites, golden = render()
    count = 0
    for site, files in sites.items():
        root = sites_dir / site
        if root.exists():
            shutil.rmtree(root)
        for rel, text in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
            count += 1
    expected_path.write_text(golden, encoding="utf-8", newline="\n")
    return count


def stale_files(sites_dir: Path = SITES_DIR, expected_path: Path = EXPECTED_PATH) -> list[str]:
    """Paths whose committed content differs from a fresh render (empty when up to date)."""
    sites, golden = render()
    wanted = {f"{site}/{rel}": text for site, files in sites.items() for rel, text in files.items()}
    present = {p.relative_to(sites_dir).as_posix() for p in sites_dir.rglob("*") if p.is_file()}
    stale = sorted(present - set(wanted))
    for rel, text in sorted(wanted.items()):
        path = sites_dir / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(rel)
    if not expected_path.is_file() or expected_path.read_text(encoding="utf-8") != golden:
        stale.append(expected_path.name)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for rel in stale:
            print(f"stale: {rel}")
        return 1 if stale else 0
    print(f"wrote {write()} files under {SITES_DIR.name}/ and {EXPECTED_PATH.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
