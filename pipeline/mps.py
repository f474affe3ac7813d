"""Link posts to MPs: find who a text mentions, and which MP it is about.

The registry (``mpnews/data/mps.csv``, read by :mod:`mpnews.house.members`) holds every MP
since the 2024 election, keyed by ``member_id``. Mentions are found, case-sensitively and
only as whole words, by ONE matcher built once per registry: the text is cut into words and
every run of words is looked up in a table of phrases (names, aliases, surnames, seats), the
longest phrase first — a word-level Aho-Corasick, so a page costs one pass whatever the size
of the House. A phrase counts as

* a full name or alias, with or without honorifics or a possessive ("Dr Rosena Allin-Khan",
  "Keir Starmer MP", "Starmer's" only as below);
* a seat with "MP" around it ("the Tooting MP", "MP for Tooting", "Putney's new MP",
  "Member of Parliament for Bermondsey & Old Southwark"): its sitting MP, or a former MP for
  the seat the page names. "and"/"&" and the case of "and"/"the"/"of"/"upon" do not matter.
  A seat beside the name of someone who is not its MP ("Hartlepool MP Mike Hill") is not linked;
* a surname, with a title ("Ms Allin-Khan") or bare ("Starmer said"), only when the page names
  exactly one MP with that surname (by name or seat); likewise "Sir"/"Dame" and a first name
  ("Sir Keir") for a knighted MP the page names. A bare one is never a common word
  ("May", "West") nor right after another capitalised word ("Joe Starmer").

A name right after "Lord", "Baroness", "Councillor", ... is never an MP. A seat reference right
before or after a name of the same MP ("Tooting MP Dr Allin-Khan") counts once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from mpnews.house.members import Mp, read_default_members, read_members

__all__ = ["Mp", "MpMention", "MpRegistry", "find_mps", "load_registry", "primary_mp"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|&")
_CONNECTORS = {"and": "and", "&": "and", "the": "the", "of": "of", "upon": "upon", "on": "on"}
_CONNECTORS |= {"in": "in", "with": "with", "under": "under", "by": "by", "le": "le"}
_HONORIFICS = _words("Mr Mrs Ms Miss Mx Dr Sir Dame Prof Professor Rt Hon")
_NOT_MPS = _words(
    "Lord Lady Baroness Baron Viscount Earl Councillor Cllr Judge Justice Mayor King Queen "
    "Prince Princess Saint St Pope Bishop Archbishop Canon Reverend Rev General Captain "
    "Inspector Sergeant Officer Detective"
)
_SKIP_WORDS = _words("and or the a an as at by for in is of on to was with")
_PERSON = r"(?!(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame)\b)(?P<person>[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+)+)"
_PERSON_AFTER = re.compile(rf"[ \t]*,?[ \t]*(?:(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame)\.?[ \t]+)?{_PERSON}")
_PERSON_BEFORE = re.compile(rf"{_PERSON}[ \t]*,?[ \t]*(?:the[ \t]+)?$")
_JOINER = re.compile(r"^[\s,(–—:-]*(?:the\s+)?$")
# Capitalised words that are also surnames; a bare one is never read as a name.
_COMMON_WORDS = _words(
    "May March June August West East North South Hunt Reed Hill Green Brown White "
    "Black Long Little Young King Bell Wood Hall Mills Cash Rich Law Ward Burns Fox "
    "Hope Rose Stone Lord Church Field Page Lane Moon Swan Wall Winter Summer Savage "
    "Gray Grey Bishop Dean Chance Cooper Baker Butler Mason Major Noble Price Sharp "
    "Strong Wise Speaker"
)


@dataclass(frozen=True, slots=True)
class MpMention:
    """How often one MP is mentioned in a post, and whether in its title."""

    mp: str
    count: int
    in_title: bool
    member_id: int | None = None


@dataclass(frozen=True, slots=True)
class _Span:
    start: int  # character offsets of the whole reference (title, "MP for", ...)
    end: int
    kind: str  # "name" | "seat" | "surname"
    key: tuple[str, ...]
    titled: bool = False
    bare_ok: bool = True


@dataclass(frozen=True, slots=True)
class _Matcher:
    """Phrase tables: normalised word tuples -> what they can be."""

    names: dict[tuple[str, ...], tuple[int, ...]]
    surnames: dict[tuple[str, ...], tuple[int, ...]]
    knights: dict[tuple[str, ...], tuple[int, ...]]  # "Keir" of "Sir Keir"
    seats: dict[tuple[str, ...], tuple[int, ...]]
    firsts: dict[str, tuple[int, ...]]  # first word -> phrase lengths, longest first


@dataclass(frozen=True, slots=True)
class MpRegistry:
    """The MPs known to mpnews, with the one matcher that finds them."""

    mps: tuple[Mp, ...]
    source: str = ""
    _matcher: _Matcher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_matcher", _build(self.mps))

    def get(self, name: str) -> Mp | None:
        """The MP called ``name`` (the registry's ``name`` column), or None."""
        return next((mp for mp in self.mps if mp.name == name), None)

    def by_member_id(self, member_id: int) -> Mp | None:
        return next((mp for mp in self.mps if mp.member_id == member_id), None)

    def by_spelling(self, text: str) -> Mp | None:
        found = self._matcher.names.get(_key(text.split()), ())
        return self.mps[found[0]] if len(found) == 1 else None

    def by_surname(self, surname: str) -> tuple[Mp, ...]:
        return tuple(self.mps[i] for i in self._matcher.surnames.get(_key(surname.split()), ()))

    def by_seat(self, seat: str) -> tuple[Mp, ...]:
        return tuple(self.mps[i] for i in self._matcher.seats.get(_key(_TOKEN.findall(seat)), ()))


def load_registry(path: str | Path | None = None) -> MpRegistry:
    """Read an MP registry CSV (default: the packaged ``mps.csv``, cached)."""
    return _default_registry() if path is None else MpRegistry(read_members(path), str(path))


@lru_cache(maxsize=1)
def _default_registry() -> MpRegistry:
    return MpRegistry(read_default_members(), "mps.csv")


def find_mps(title: str, body: str, registry: MpRegistry | None = None) -> tuple[MpMention, ...]:
    """MPs mentioned in a post, most mentioned first (then by name)."""
    reg = registry or load_registry()
    spans = {"title": _spans(reg._matcher, title), "body": _spans(reg._matcher, body)}
    named = {i for found in spans.values() for s in found if (i := _named(reg, s)) is not None}
    texts = {"title": title, "body": body}
    named |= {
        i
        for part, found in spans.items()
        for s in found
        if s.kind == "seat" and (i := _seat_index(reg, texts[part], s, named)) is not None
    }
    counts: dict[int, int] = {}
    in_title: set[int] = set()
    for part, text in (("title", title), ("body", body)):
        for index in _mentions(reg, text, spans[part], named):
            counts[index] = counts.get(index, 0) + 1
            if part == "title":
                in_title.add(index)
    mentions = [
        MpMention(reg.mps[i].name, n, i in in_title, reg.mps[i].member_id)
        for i, n in counts.items()
    ]
    return tuple(sorted(mentions, key=lambda m: (-m.count, m.mp)))


def primary_mp(mentions: Sequence[MpMention]) -> str | None:
    """The MP a post is about: the most mentioned in the title, else the most mentioned
    overall with at least two mentions. A tie for first place gives None."""
    pool = [m for m in mentions if m.in_title] or [m for m in mentions if m.count >= 2]
    pool.sort(key=lambda m: -m.count)
    if not pool or (len(pool) > 1 and pool[0].count == pool[1].count):
        return None
    return pool[0].mp


def _mentions(reg: MpRegistry, text: str, spans: list[_Span], named: set[int]) -> list[int]:
    """Registry indexes in ``text`` order, one per mention, seat + name runs merged."""
    resolved: list[tuple[int, int, int]] = []
    for span in spans:
        if span.kind == "seat":
            index = _seat_index(reg, text, span, named)
        else:
            index = _resolve(reg, span, named)
        if index is None:
            continue
        if (
            resolved
            and resolved[-1][2] == index
            and _JOINER.match(text[resolved[-1][1] : span.start])
        ):
            resolved[-1] = (resolved[-1][0], span.end, index)
            continue
        resolved.append((span.start, span.end, index))
    return [index for _, _, index in resolved]


def _resolve(reg: MpRegistry, span: _Span, named: set[int]) -> int | None:
    if span.kind == "name":
        return _named(reg, span)
    if not (span.titled or span.bare_ok):
        return None
    table = reg._matcher.knights if span.kind == "knight" else reg._matcher.surnames
    in_text = [i for i in table.get(span.key, ()) if i in named]
    return in_text[0] if len(in_text) == 1 else None


def _seat_index(reg: MpRegistry, text: str, span: _Span, named: set[int]) -> int | None:
    """The MP a seat reference means; None when a person named right beside it is not an MP
    for the seat ("Hartlepool MP Mike Hill" in an old article is not today's MP)."""
    index = _seat_mp(reg, span.key, named)
    person = _PERSON_AFTER.match(text, span.end) or _PERSON_BEFORE.search(
        text, max(0, span.start - 80), span.start
    )
    if index is None or person is None:
        return index
    mp = reg.by_spelling(person.group("person"))
    pool = reg._matcher.seats.get(span.key, ())
    return index if mp is not None and reg.mps.index(mp) in pool else None


def _named(reg: MpRegistry, span: _Span) -> int | None:
    if span.kind != "name":
        return None
    found = reg._matcher.names.get(span.key, ())
    return found[0] if len(found) == 1 else None


def _seat_mp(reg: MpRegistry, key: tuple[str, ...], named: set[int]) -> int | None:
    pool = reg._matcher.seats.get(key, ())
    in_text = [i for i in pool if i in named]
    choice = [i for i in in_text if reg.mps[i].sitting] or in_text
    if not choice:
        choice = [
            i
            for i in pool
            if reg.mps[i].sitting and _key(_TOKEN.findall(reg.mps[i].constituency)) == key
        ]
    return choice[0] if len(choice) == 1 else None


def _spans(matcher: _Matcher, text: str) -> list[_Span]:
    """Candidate references, left to right, longest phrase first, never overlapping."""
    words = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    found: list[_Span] = []
    i = 0
    while i < len(words):
        word = words[i][2]
        lengths = (
            matcher.firsts.get(_norm(word)) or matcher.firsts.get(_norm(_base(word)))
            if word[0].isupper() or word in matcher.firsts
            else None
        )
        span = _phrase_at(matcher, text, words, i, lengths) if lengths else None
        if span is None:
            i += 1
            continue
        found.append(span[0])
        i = span[1]
    return found


def _phrase_at(
    matcher: _Matcher,
    text: str,
    words: list[tuple[int, int, str]],
    i: int,
    lengths: tuple[int, ...],
) -> tuple[_Span, int] | None:
    for n in lengths:
        j = i + n
        if j > len(words):
            continue
        inner = tuple(_norm(w) for _, _, w in words[i : j - 1])
        last_word = words[j - 1][2]
        kinds: list[str] = []
        for last in dict.fromkeys((_norm(last_word), _norm(_base(last_word)))):
            key = (*inner, last)  # "Queen's Park" as written, "Tooting's" as "Tooting"
            kinds = [k for k, table in _KINDS if key in getattr(matcher, table)]
            if kinds:
                break
        if not kinds:
            continue
        before = _before(words, i)
        if before and before[-1] in _NOT_MPS:
            return None
        start, end = words[i][0], words[j - 1][1]
        if "name" in kinds:
            return _Span(_title_start(words, i, start), end, "name", key), j
        if "seat" in kinds and (seat := _seat_ref(text, words, key, i, j)):
            return seat, j
        if "knight" in kinds and before and before[-1] in _KNIGHTED:  # "Sir Andrew", not a surname
            return _Span(words[i - 1][0], end, "knight", key, titled=True), j
        if "surname" in kinds:
            titled = bool(before) and before[-1] in _HONORIFICS
            bare_ok = (len(key) > 1 or key[0] not in _COMMON_WORDS) and not _capitalised_neighbour(
                text, words, i
            )
            return _Span(_title_start(words, i, start), end, "surname", key, titled, bare_ok), j
    return None


_KINDS = (("name", "names"), ("seat", "seats"), ("surname", "surnames"), ("knight", "knights"))
_KNIGHTED = frozenset(("Sir", "Dame"))


def _seat_ref(
    text: str,
    words: list[tuple[int, int, str]],
    key: tuple[str, ...],
    i: int,
    j: int,
) -> _Span | None:
    """The seat ``words[i:j]`` with "MP" around it, or None (a place name, not a reference)."""
    before = _before(words, i, 4)
    if before[-2:] == ["MP", "for"] or before[-4:] == ["Member", "of", "Parliament", "for"]:
        lead = 2 if before[-2:] == ["MP", "for"] else 4
        return _Span(words[i - lead][0], words[j - 1][1], "seat", key)
    for gap in (0, 1):
        k = j + gap
        if k < len(words) and words[k][2] == "MP" and _adjacent(text, words, j - 1, k, gap):
            if gap and (words[j][2].lower() in _SKIP_WORDS or _base(words[j][2]) != words[j][2]):
                continue
            return _Span(words[i][0], words[k][1], "seat", key)
    return None


def _adjacent(text: str, words: list[tuple[int, int, str]], a: int, b: int, gap: int) -> bool:
    between = text[words[a][1] : words[b][0]]
    return not re.search(r"[.,;:!?()\[\]\"]", between) and len(between) <= 40 * (gap + 1)


def _before(words: list[tuple[int, int, str]], i: int, n: int = 1) -> list[str]:
    return [w for _, _, w in words[max(0, i - n) : i]]


def _title_start(words: list[tuple[int, int, str]], i: int, start: int) -> int:
    while i > 0 and words[i - 1][2] in _HONORIFICS:
        i -= 1
        start = words[i][0]
    return start


def _capitalised_neighbour(text: str, words: list[tuple[int, int, str]], i: int) -> bool:
    if i == 0:
        return False
    _, prev_end, prev = words[i - 1]
    return prev[:1].isupper() and text[prev_end : words[i][0]].isspace() and prev not in _HONORIFICS


def _key(words: Sequence[str]) -> tuple[str, ...]:
    return tuple(_norm(w) for w in words)


def _build(mps: Sequence[Mp]) -> _Matcher:
    names: dict[tuple[str, ...], list[int]] = {}
    surnames: dict[tuple[str, ...], list[int]] = {}
    seats: dict[tuple[str, ...], list[int]] = {}
    knights: dict[tuple[str, ...], list[int]] = {}
    for index, mp in enumerate(mps):
        if _KNIGHTED & set(mp.honorifics):
            _add(knights, _key(_TOKEN.findall(mp.name)[:1]), index)
        for spelling in (mp.name, *mp.aliases):
            _add(names, _key(_TOKEN.findall(spelling)), index)
        _add(surnames, _key(_TOKEN.findall(mp.last_name)), index)
        for seat in (mp.constituency, *mp.former_constituencies):
            _add(seats, _key(_TOKEN.findall(seat)), index)
    tables = (names, surnames, seats, knights)
    keys = [k for table in tables for k in table if k]
    return _Matcher(
        names={k: tuple(v) for k, v in names.items()},
        surnames={k: tuple(v) for k, v in surnames.items()},
        seats={k: tuple(v) for k, v in seats.items()},
        knights={k: tuple(v) for k, v in knights.items()},
        firsts=_first_words(keys),
    )


def _first_words(keys: Sequence[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for key in keys:
        lengths.setdefault(key[0], set()).add(len(key))
        lengths.setdefault(_base(key[0]), set()).add(len(key))
    return {word: tuple(sorted(n, reverse=True)) for word, n in lengths.items()}


def _base(word: str) -> str:
    """The word without a possessive ("Tooting's" -> "Tooting")."""
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _norm(word: str) -> str:
    return _CONNECTORS.get(word.lower(), word)


def _add(table: dict[tuple[str, ...], list[int]], key: tuple[str, ...], index: int) -> None:
    if key and index not in table.setdefault(key, []):
        table[key].append(index)
