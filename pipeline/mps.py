"""Link posts to MPs: find who a text mentions, and which MP it is about.

The registry (``mpnews/data/mps.csv``) is data: one row per MP, see ``mpnews/data/README.md``.
Mentions are found, case-sensitively and never inside another word, as

* full names or aliases, with or without honorifics ("Dr Rosena Allin-Khan", "Keir Starmer MP");
* a title and surname ("Ms Allin-Khan", "Sir Starmer") when the surname belongs to one MP in
  the registry, or to one MP whose full name is also in the text;
* a bare surname ("Starmer said") only when that MP's full name is in the text and the surname
  is not a common capitalised word ("May", "West");
* a seat ("the Tooting MP", "MP for Tooting", "Putney's new MP"): its sitting MP, or a former
  MP for the seat whose full name is in the text.

A seat reference right before or after a name of the same MP ("Tooting MP Dr Allin-Khan")
counts once.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from mpnews.exceptions import ConfigError

__all__ = ["Mp", "MpMention", "MpRegistry", "find_mps", "load_registry", "primary_mp"]

_COLUMNS = (
    "name",
    "aliases",
    "constituency",
    "party",
    "honorifics",
    "surname",
    "former_constituencies",
    "left",
)
_REQUIRED = ("name", "constituency", "party")
_HONORIFIC = r"(?:(?:The\s+)?Rt\.?\s+Hon\.?|Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Dame|Prof|Professor)\.?"
_BEFORE, _AFTER = r"(?<![\w'’-])", r"(?![\w-])"
_SKIP_WORD = r"(?!(?:and|or|the|a|an|as|at|by|for|in|is|of|on|to|was|with)\s)"
_CAPITALISED_BEFORE = re.compile(r"[A-Z][\w'’-]*\s+$")
_JOINER = re.compile(r"^[\s,(–—:-]*(?:the\s+)?$")
# Capitalised words that are also surnames; a bare one is never read as a name.
_COMMON_WORDS_TEXT = (
    "May March June August West East North South Hunt Reed Hill Green Brown White "
    "Black Long Little Young King Bell Wood Hall Mills Cash Rich Law Ward Burns Fox "
    "Hope Rose Stone Lord Church Field Page Lane Moon Swan Wall Winter Summer Savage "
    "Gray Grey Bishop Dean Chance Cooper Baker Butler Mason Major Noble Price Sharp "
    "Strong Wise Speaker"
)
_COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())


@dataclass(frozen=True, slots=True)
class Mp:
    """One MP of the registry. ``left`` is empty while the MP sits."""

    name: str
    constituency: str
    party: str
    aliases: tuple[str, ...] = ()
    honorifics: tuple[str, ...] = ()
    surname: str = ""
    former_constituencies: tuple[str, ...] = ()
    left: str = ""

    @property
    def sitting(self) -> bool:
        return not self.left


@dataclass(frozen=True, slots=True)
class MpMention:
    """How often one MP is mentioned in a post, and whether in its title."""

    mp: str
    count: int
    in_title: bool


@dataclass(frozen=True, slots=True)
class _Patterns:
    names: re.Pattern[str]
    titled: re.Pattern[str]
    bare: re.Pattern[str]
    seats: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class MpRegistry:
    """The MPs known to mpnews, with the patterns that find them."""

    mps: tuple[Mp, ...]
    source: str = ""
    _patterns: _Patterns = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_patterns", _compile(self.mps))

    def get(self, name: str) -> Mp | None:
        """The MP called ``name`` (the registry's ``name`` column), or None."""
        return next((mp for mp in self.mps if mp.name == name), None)

    def by_spelling(self, text: str) -> Mp | None:
        return next((mp for mp in self.mps if text == mp.name or text in mp.aliases), None)

    def by_surname(self, surname: str) -> tuple[Mp, ...]:
        return tuple(mp for mp in self.mps if mp.surname == surname)

    def by_seat(self, seat: str) -> tuple[Mp, ...]:
        return tuple(
            mp for mp in self.mps if seat == mp.constituency or seat in mp.former_constituencies
        )


def load_registry(path: str | Path | None = None) -> MpRegistry:
    """Read an MP registry CSV (default: the packaged ``mps.csv``, cached)."""
    return _default_registry() if path is None else _load(Path(path))


@lru_cache(maxsize=1)
def _default_registry() -> MpRegistry:
    with resources.as_file(resources.files("mpnews") / "data" / "mps.csv") as path:
        return _load(path)


def find_mps(title: str, body: str, registry: MpRegistry | None = None) -> tuple[MpMention, ...]:
    """MPs mentioned in a post, most mentioned first (then by name)."""
    reg = registry or load_registry()
    named = {
        mp.name
        for text in (title, body)
        for found in reg._patterns.names.finditer(text)
        if (mp := reg.by_spelling(found.group("name")))
    }
    counts: dict[str, int] = {}
    in_title: set[str] = set()
    for text, is_title in ((title, True), (body, False)):
        for name in _mentions(reg, text, named):
            counts[name] = counts.get(name, 0) + 1
            if is_title:
                in_title.add(name)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(MpMention(name, count, name in in_title) for name, count in ranked)


def primary_mp(mentions: Sequence[MpMention]) -> str | None:
    """The MP a post is about: the most mentioned in the title, else the most mentioned
    overall with at least two mentions. A tie for first place gives None."""
    pool = [m for m in mentions if m.in_title] or [m for m in mentions if m.count >= 2]
    pool.sort(key=lambda m: -m.count)
    if not pool or (len(pool) > 1 and pool[0].count == pool[1].count):
        return None
    return pool[0].mp


def _mentions(reg: MpRegistry, text: str, named: set[str]) -> list[str]:
    """MP names in ``text`` order, one per mention, seat + name runs merged."""
    resolved: list[tuple[int, int, str]] = []
    for start, end, kind, key in _spans(reg._patterns, text):
        name = _resolve(reg, text, start, kind, key, named)
        if name is None:
            continue
        if resolved and resolved[-1][2] == name and _JOINER.match(text[resolved[-1][1] : start]):
            resolved[-1] = (resolved[-1][0], end, name)
            continue
        resolved.append((start, end, name))
    return [name for _, _, name in resolved]


def _spans(patterns: _Patterns, text: str) -> list[tuple[int, int, str, str]]:
    """Non-overlapping candidate mentions; longer spans and better kinds win."""
    found = [
        (m.start(), m.end(), kind, next(g for g in m.groups() if g))
        for kind, pattern in (
            ("name", patterns.names),
            ("titled", patterns.titled),
            ("seat", patterns.seats),
            ("bare", patterns.bare),
        )
        for m in pattern.finditer(text)
    ]
    found.sort(key=lambda s: (s[0], s[0] - s[1]))
    chosen: list[tuple[int, int, str, str]] = []
    for span in found:
        if not chosen or span[0] >= chosen[-1][1]:
            chosen.append(span)
    return chosen


def _resolve(
    reg: MpRegistry, text: str, start: int, kind: str, key: str, named: set[str]
) -> str | None:
    if kind == "name":
        mp = reg.by_spelling(key)
        return mp.name if mp else None
    if kind == "seat":
        return _resolve_seat(reg.by_seat(key), key, named)
    candidates = reg.by_surname(key)
    in_text = [mp.name for mp in candidates if mp.name in named]
    if len(in_text) == 1:
        if kind == "titled" or not _CAPITALISED_BEFORE.search(text[max(0, start - 40) : start]):
            return in_text[0]
        return None
    if kind == "titled" and len(candidates) == 1:
        return candidates[0].name
    return None


def _resolve_seat(candidates: Iterable[Mp], seat: str, named: set[str]) -> str | None:
    pool = list(candidates)
    in_text = [mp for mp in pool if mp.name in named]
    choice = [mp for mp in in_text if mp.sitting] or in_text
    if not choice:
        choice = [mp for mp in pool if mp.sitting and mp.constituency == seat]
    return choice[0].name if len(choice) == 1 else None


def _alternation(words: Iterable[str]) -> str:
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in unique)


def _compile(mps: Sequence[Mp]) -> _Patterns:
    names = _alternation(s for mp in mps for s in (mp.name, *mp.aliases))
    surnames = _alternation(mp.surname for mp in mps)
    bare = _alternation(mp.surname for mp in mps if mp.surname not in _COMMON_WORDS)
    seats = _alternation(s for mp in mps for s in (mp.constituency, *mp.former_constituencies))
    return _Patterns(
        names=re.compile(rf"{_BEFORE}(?:{_HONORIFIC}\s+)*(?P<name>{names}){_AFTER}(?:\s+MP\b)?"),
        titled=re.compile(rf"{_BEFORE}{_HONORIFIC}\s+(?P<surname>{surnames}){_AFTER}"),
        bare=re.compile(rf"{_BEFORE}(?P<surname>{bare}){_AFTER}"),
        seats=re.compile(
            rf"\b(?:MP|Member\s+of\s+Parliament)\s+for\s+(?P<seat_a>{seats}){_AFTER}"
            rf"|{_BEFORE}(?P<seat_b>{seats})(?:['’]s)?(?:\s+{_SKIP_WORD}[A-Za-z]+)?\s+MP\b(?!s)"
        ),
    )


def _load(path: Path) -> MpRegistry:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, strict=True)
            rows = list(reader)
            header = list(reader.fieldnames or ())
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"{path}: cannot read the MP registry ({exc})") from exc
    if not rows:
        raise ConfigError(f"{path}: the MP registry has no rows; expected columns {_COLUMNS}")
    _check_header(path, header)
    mps = tuple(_parse_row(path, line, row) for line, row in enumerate(rows, start=2))
    seen: set[str] = set()
    for mp in mps:
        if mp.name in seen:
            raise ConfigError(f"{path}: name {mp.name!r} appears twice; keep one row per MP")
        seen.add(mp.name)
    return MpRegistry(mps, source=str(path))


def _check_header(path: Path, header: list[str]) -> None:
    missing = [c for c in _REQUIRED if c not in header]
    unknown = [c for c in header if c not in _COLUMNS]
    if missing or unknown:
        problem = f"missing column {missing[0]!r}" if missing else f"unknown column {unknown[0]!r}"
        raise ConfigError(f"{path}: {problem}; columns are {', '.join(_COLUMNS)}")


def _parse_row(path: Path, line: int, row: dict[str | None, str | list[str] | None]) -> Mp:
    if None in row or any(value is None for value in row.values()):
        raise ConfigError(f"{path}: line {line}: wrong number of fields; quote values with commas")
    cell = {k: str(v).strip() for k, v in row.items() if k is not None}
    for column in _REQUIRED:
        if not cell.get(column):
            raise ConfigError(f"{path}: line {line}: column {column!r} is empty")
    name = cell["name"]
    return Mp(
        name=name,
        constituency=cell["constituency"],
        party=cell["party"],
        aliases=_split(cell.get("aliases", "")),
        honorifics=_split(cell.get("honorifics", "")),
        surname=cell.get("surname") or name.split()[-1],
        former_constituencies=_split(cell.get("former_constituencies", "")),
        left=cell.get("left", ""),
    )


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())
