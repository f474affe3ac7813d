"""Precision and recall of MP mention linking (``pipeline.mps.find_mps``) on generated sentences.

Sentences are drawn from the packaged registry (every sitting MP is eligible) with a fixed
seed: full names, aliases, honorifics, possessives, "X MP", "X's MP", "the MP for X",
"Member of Parliament for X", seats with "&" for "and", a surname after the full name, two
MPs sharing a surname, and distractors that must link to nobody (a councillor, a peer or a
bare surname without the full name, a seat named as a place, a seat beside a person who is
not its MP). Each sentence has gold counts per MP; a prediction scores min(predicted, gold)
true positives per MP, the rest as false positives or negatives, so merging two MPs or
counting one twice is an error.

    .venv/bin/python benchmarks/mentions.py [--sentences 400] [--seed 9] [--show]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import mpnews.samples
from pipeline.mps import Mp, MpRegistry, find_mps, load_registry

FIRST_NAMES = ("Bob", "Trevor", "Gwen", "Norma", "Clive", "Doreen", "Malcolm", "Sylvia")


@dataclass(frozen=True, slots=True)
class Case:
    template: str
    text: str
    gold: dict[str, int]


@dataclass(frozen=True, slots=True)
class Score:
    tp: int
    fp: int
    fn: int
    cases: int
    seconds: float

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def generate(registry: MpRegistry, n: int = 400, seed: int = 9) -> list[Case]:
    """``n`` sentences, cycling through every template, MPs drawn at random."""
    rng = random.Random(seed)
    sitting = [mp for mp in registry.mps if mp.sitting]
    names = {s for mp in registry.mps for s in (mp.name, *mp.aliases)}
    by_surname: dict[str, list[Mp]] = {}
    for mp in sitting:
        by_surname.setdefault(mp.last_name, []).append(mp)
    shared = [group for group in by_surname.values() if len(group) > 1]
    seat_count = Counter(mp.constituency for mp in registry.mps if mp.sitting)
    seats = [mp for mp in sitting if seat_count[mp.constituency] == 1]
    templates: list[Callable[[random.Random], Case | None]] = [
        lambda r: _one("name", f"{(m := r.choice(sitting)).name} said the plan was wrong.", m),
        lambda r: _titled(r.choice([m for m in sitting if m.honorifics])),
        lambda r: _knight(r.choice([m for m in sitting if {"Sir", "Dame"} & set(m.honorifics)])),
        lambda r: _one("name MP", f"{(m := r.choice(sitting)).name} MP welcomed the news.", m),
        lambda r: _one("possessive", f"{(m := r.choice(sitting)).name}'s speech was praised.", m),
        lambda r: _one("MP for", f"The MP for {(m := r.choice(seats)).constituency} asked.", m),
        lambda r: _one("seat MP", f"{(m := r.choice(seats)).constituency} MP calls for action.", m),
        lambda r: _one("seat's MP", f"{(m := r.choice(seats)).constituency}'s MP spoke up.", m),
        lambda r: _one(
            "seat's party MP", f"{(m := r.choice(seats)).constituency}'s Labour MP voted.", m
        ),
        lambda r: _ampersand(r.choice([m for m in seats if " and " in m.constituency])),
        lambda r: _one(
            "Member of Parliament for",
            f"She is the Member of Parliament for {(m := r.choice(seats)).constituency}.",
            m,
        ),
        lambda r: _then_surname(r.choice(sitting), by_surname),
        lambda r: _seat_and_name(r.choice(seats)),
        lambda r: _shared_surname(r.choice(shared)),
        lambda r: _alias(r.choice([m for m in sitting if m.aliases])),
        lambda r: _distractor(
            r, "councillor", "Councillor {f} {s} opened the library.", sitting, names
        ),
        lambda r: _distractor(r, "peer", "Lord {s} spoke in the Lords yesterday.", sitting, names),
        lambda r: _distractor(r, "baroness", "Baroness {s} tabled an amendment.", sitting, names),
        lambda r: _distractor(r, "bare surname", "Later {s} said it would fail.", sitting, names),
        lambda r: Case("place", f"She grew up in {r.choice(seats).constituency}.", {}),
        lambda r: Case(
            "seat beside another person",
            f"Former {r.choice(seats).constituency} MP {r.choice(FIRST_NAMES)} Bloggs died.",
            {},
        ),
    ]
    cases: list[Case] = []
    while len(cases) < n:
        case = templates[len(cases) % len(templates)](rng)
        if case is not None:
            cases.append(case)
    return cases


def score(
    registry: MpRegistry, cases: list[Case]
) -> tuple[Score, list[tuple[Case, dict[str, int]]]]:
    tp = fp = fn = 0
    wrong: list[tuple[Case, dict[str, int]]] = []
    started = time.perf_counter()
    predictions = [{m.mp: m.count for m in find_mps("", c.text, registry)} for c in cases]
    seconds = time.perf_counter() - started
    for case, predicted in zip(cases, predictions, strict=True):
        for mp in set(case.gold) | set(predicted):
            got, want = predicted.get(mp, 0), case.gold.get(mp, 0)
            tp, fp, fn = tp + min(got, want), fp + max(0, got - want), fn + max(0, want - got)
        if predicted != case.gold:
            wrong.append((case, predicted))
    return Score(tp, fp, fn, len(cases), seconds), wrong


def _one(template: str, text: str, mp: Mp, count: int = 1) -> Case:
    return Case(template, text, {mp.name: count})


def _titled(mp: Mp) -> Case:
    return _one("honorific", f"{mp.honorifics[0]} {mp.name} visited the hospital.", mp)


def _knight(mp: Mp) -> Case:
    title = "Sir" if "Sir" in mp.honorifics else "Dame"
    first = mp.name.split()[0]
    return _one("Sir/Dame first name", f"{mp.name} spoke. Then {title} {first} sat down.", mp, 2)


def _ampersand(mp: Mp) -> Case:
    seat = mp.constituency.replace(" and ", " & ")
    return _one("seat with &", f"The {seat} MP held a surgery.", mp)


def _then_surname(mp: Mp, by_surname: dict[str, list[Mp]]) -> Case:
    return _one(
        "name then surname", f"{mp.name} spoke first. Later, {mp.last_name} said no.", mp, 2
    )


def _seat_and_name(mp: Mp) -> Case:
    return _one("seat + name", f"The {mp.constituency} MP, {mp.name}, said so.", mp)


def _shared_surname(group: list[Mp]) -> Case:
    a, b = group[0], group[1]
    text = f"{a.name} and {b.name} disagreed. {a.last_name} said it was over."
    return Case("two MPs, one surname", text, {a.name: 1, b.name: 1})


def _alias(mp: Mp) -> Case:
    return _one("alias", f"{mp.aliases[0]} met campaigners.", mp)


def _distractor(
    rng: random.Random, template: str, text: str, sitting: list[Mp], names: set[str]
) -> Case | None:
    mp = rng.choice(sitting)
    first = rng.choice(FIRST_NAMES)
    if f"{first} {mp.last_name}" in names:
        return None
    return Case(template, text.format(f=first, s=mp.last_name), {})


def _page_ms(registry: MpRegistry, rounds: int = 30) -> float:
    """Milliseconds per bundled seed page (a news article, an MP blog page, a hustings post)."""
    seeds = Path(mpnews.samples.__file__).parent / "content" / "seeds"
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            find_mps("", text, registry)
    return (time.perf_counter() - started) * 1000 / (rounds * len(texts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=400)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--show", action="store_true", help="print every sentence scored wrong")
    args = parser.parse_args()
    registry = load_registry()
    cases = generate(registry, args.sentences, args.seed)
    result, wrong = score(registry, cases)
    per_template = Counter(c.template for c, _ in wrong)
    print(
        f"{result.cases} sentences, {len(registry.mps)} MPs in the registry: "
        f"precision {result.precision:.4f}, recall {result.recall:.4f} "
        f"(tp {result.tp}, fp {result.fp}, fn {result.fn}); "
        f"{result.cases / result.seconds:,.0f} sentences/s"
    )
    print(f"  a 13,550-character page (the bundled seeds): {_page_ms(registry):.1f} ms")
    for template, n in per_template.most_common():
        print(f"  wrong: {template}: {n}")
    if args.show:
        for case, predicted in wrong:
            print(f"  {case.template}: {case.text!r} gold {case.gold} got {predicted}")


if __name__ == "__main__":
    main()
