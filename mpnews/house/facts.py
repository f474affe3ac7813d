"""Merge fresh facts about MPs (a snapshot or the Members API) into the registry.

Facts win for what Parliament knows (name, seat, party, website, dates, sitting); the
registry keeps what people added by hand (aliases, surnames, earlier seats, site kinds).
A changed name keeps the old one as an alias; a changed seat keeps the old one as a former
constituency. :class:`RegistryChanges` says what moved, for a reviewer to read.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from mpnews.house.members import Mp

__all__ = [
    "MemberFacts",
    "RegistryChanges",
    "classify_site",
    "merge_facts",
    "normalise_website",
    "plain_name",
]

_TITLE = re.compile(r"^(?:(?:The\s+)?Rt\.?\s+Hon\.?|Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Dame|Prof)\.?\s+")
_KEPT_TITLES = ("Sir", "Dame", "Dr", "Prof")
#: Hosts of party organisations: a page there lists many people, not one MP's own site.
_PARTY_HOSTS = re.compile(
    r"(^|\.)(sinnfein\.ie|mydup\.com|allianceparty\.org|labour\.org\.uk|conservatives\.com|"
    r"libdems\.org\.uk|snp\.org|greenparty\.org\.uk|partyof\.wales|plaid\.cymru|"
    r"reformparty\.uk|sdlp\.ie|uup\.org)$"
)


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """What a data source says about one member (``name`` as Parliament displays it)."""

    member_id: int
    name: str
    constituency: str
    party: str
    sitting: bool
    website: str = ""
    sat_from: date | None = None
    sat_until: date | None = None


@dataclass(frozen=True, slots=True)
class RegistryChanges:
    """What a merge changed, each entry one readable line."""

    new_mps: tuple[str, ...] = ()
    departures: tuple[str, ...] = ()
    party_changes: tuple[str, ...] = ()
    new_websites: tuple[str, ...] = ()
    renamed: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        sections = (
            ("new MP", self.new_mps),
            ("departure", self.departures),
            ("party change", self.party_changes),
            ("new website", self.new_websites),
            ("renamed", self.renamed),
        )
        return [f"{label}: {entry}" for label, entries in sections for entry in entries]

    @property
    def empty(self) -> bool:
        return not self.lines()


def plain_name(display: str) -> tuple[str, tuple[str, ...]]:
    """``("Keir Starmer", ("Sir",))`` from ``"Sir Keir Starmer"``; Mr/Ms/Mrs are dropped."""
    name, titles = display.strip(), []
    while match := _TITLE.match(name):
        word = match.group(0).strip().rstrip(".")
        if word in _KEPT_TITLES:
            titles.append(word)
        name = name[match.end() :]
    return " ".join(name.split()), tuple(titles)


def normalise_website(url: str) -> str:
    """An absolute http(s) URL: a scheme-less ``www.example.org`` gets ``https://``."""
    url = url.strip()
    if not url:
        return ""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I):
        url = "https://" + url.lstrip("/")
    parts = urlsplit(url)
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl()


def classify_site(name: str, url: str) -> str:
    """``party`` for a party or local-party page about the MP, ``own`` for the MP's own site."""
    if not url:
        return ""
    parts = urlsplit(normalise_website(url))
    host = (parts.hostname or "").removeprefix("www.")
    if _PARTY_HOSTS.search(host):
        return "party"
    folded = _fold(host)
    named = any(len(t) >= 3 and t[:5] in folded for t in map(_fold, name.split()))
    return "party" if not named and parts.path.strip("/") else "own"


def merge_facts(
    registry: Sequence[Mp], facts: Iterable[MemberFacts], *, complete: bool = True
) -> tuple[list[Mp], RegistryChanges]:
    """The registry updated with ``facts``; with ``complete``, sitting MPs missing from the
    facts are marked as having left (the facts list every current member)."""
    by_id = {mp.member_id: mp for mp in registry if mp.member_id is not None}
    by_name = {
        n.casefold(): mp for mp in registry if mp.member_id is None for n in (mp.name, *mp.aliases)
    }
    merged: dict[object, Mp] = {}  # by member_id; rows without one by name
    log: dict[str, list[str]] = {k: [] for k in ("new", "gone", "party", "web", "name")}
    used: set[int] = set()  # registry rows a fact has taken over
    for fact in facts:
        name, _ = plain_name(fact.name)
        old = by_id.get(fact.member_id) or by_name.get(name.casefold())
        new = _updated(old, fact)
        _note(old, new, log)
        merged[fact.member_id] = new
        if old is not None:
            used.add(id(old))
    for mp in registry:
        if id(mp) in used or mp.member_id in merged:
            continue
        if complete and mp.sitting and mp.member_id is not None:
            mp = dataclasses.replace(mp, is_sitting=False)
            log["gone"].append(_who(mp))
        merged[mp.member_id if mp.member_id is not None else mp.name] = mp
    changes = RegistryChanges(*(tuple(log[k]) for k in ("new", "gone", "party", "web", "name")))
    return _ordered(merged.values()), changes


def _updated(old: Mp | None, fact: MemberFacts) -> Mp:
    name, titles = plain_name(fact.name)
    website = normalise_website(fact.website) or (old.website if old else "")
    if old is None:
        return Mp(
            name=name,
            constituency=fact.constituency,
            party=fact.party,
            honorifics=titles,
            aliases=_ascii_alias(name),
            member_id=fact.member_id,
            is_sitting=fact.sitting,
            sat_from=fact.sat_from,
            sat_until=fact.sat_until,
            website=website,
            site=classify_site(name, website),
        )
    if old.name.casefold() == name.casefold():  # a hand-kept spelling ("de Cordova") stays
        name, spelling = old.name, name
    else:
        spelling = old.name
    aliases = _unique((*old.aliases, spelling, *_ascii_alias(name)))
    former = old.former_constituencies
    if old.constituency.casefold() != fact.constituency.casefold():
        former = _unique((*former, old.constituency))
    surname = old.surname if old.surname in name else ""
    return dataclasses.replace(
        old,
        name=name,
        aliases=tuple(a for a in aliases if a != name),
        constituency=fact.constituency,
        party=fact.party,
        honorifics=_unique((*titles, *old.honorifics)),
        surname=surname or name.split()[-1],
        former_constituencies=former,
        member_id=fact.member_id,
        is_sitting=fact.sitting,
        sat_from=fact.sat_from or old.sat_from,
        sat_until=fact.sat_until or (None if fact.sitting else old.sat_until),
        left="" if fact.sitting else old.left,
        website=website,
        site=old.site if website == old.website and old.site else classify_site(name, website),
    )


def _note(old: Mp | None, new: Mp, log: dict[str, list[str]]) -> None:
    if old is None or (new.sitting and not old.sitting):
        if new.sitting:
            log["new"].append(_who(new))
    elif old.sitting and not new.sitting:
        log["gone"].append(_who(new))
    if old is not None and old.party != new.party:
        log["party"].append(f"{_who(new)}: {old.party} -> {new.party}")
    if new.website and (old is None or old.website != new.website):
        log["web"].append(f"{_who(new)}: {new.website}")
    if old is not None and old.name != new.name:
        log["name"].append(f"{old.name} -> {new.name} ({new.member_id})")


def _who(mp: Mp) -> str:
    return f"{mp.name} ({mp.party}, {mp.constituency}; member_id {mp.member_id})"


def _ordered(mps: Iterable[Mp]) -> list[Mp]:
    """Sitting MPs by seat, then former MPs by name."""
    return sorted(mps, key=lambda m: (not m.sitting, m.constituency if m.sitting else m.name))


def _ascii_alias(name: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return (folded,) if folded != name and len(folded) == len(name) else ()


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", folded)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
