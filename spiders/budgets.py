"""Crawl budgets: how far one source's crawl may go, and which budget refused what.

Three budgets bound a crawl whatever the site does: ``max_pages`` (requests per run),
``max_depth`` (link hops from a start URL, feed or sitemap: ever-deeper pagination) and
``max_query_variants`` (distinct query strings per URL shape, :func:`pipeline.urls.url_pattern`:
an endless calendar, a listing linking to itself with a new ``?ref=`` each time). Session ids
and tracking parameters never make a variant: the canonical URL drops them.

Post permalinks are leaves (nothing is followed from a post), so they never count as query
variants (``/?p=123`` is how plain WordPress names every post); nor do pagination parameters
(``page``, ``paged``, ``pg``): endless pagination is what ``max_depth`` stops.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from mpnews.source_model import DEFAULT_MAX_DEPTH, DEFAULT_MAX_QUERY_VARIANTS
from pipeline.urls import canonical_url, url_pattern

__all__ = [
    "BUDGETS",
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_QUERY_VARIANTS",
    "BudgetLedger",
    "CrawlBudgets",
]

BUDGETS = ("max_pages", "max_depth", "max_query_variants")
_PAGER_KEYS = frozenset({"page", "paged", "pg"})
_EXAMPLES_PER_BUDGET = 3


@dataclass(frozen=True, slots=True)
class CrawlBudgets:
    """The limits one source's crawl runs with."""

    max_pages: int
    max_depth: int = DEFAULT_MAX_DEPTH
    max_query_variants: int = DEFAULT_MAX_QUERY_VARIANTS

    def limit(self, budget: str) -> int:
        return int(getattr(self, budget))


class BudgetLedger:
    """What the budgets let through and refused during one crawl.

    :meth:`refusal` names the budget a link would break (None: it may be fetched);
    :meth:`admit` books a link that is requested, :meth:`refuse` one that is not.
    """

    def __init__(self, budgets: CrawlBudgets) -> None:
        self.budgets = budgets
        self.requested = 0
        self._variants: dict[str, set[str]] = {}
        self._over_budget: set[str] = set()
        self._hits: dict[str, list[str]] = {}  # budget -> example URL shapes, in order hit

    def refusal(self, url: str, key: str, *, role: str, depth: int) -> str | None:
        """The budget that refuses ``url`` (its ``url_key`` is ``key``) at ``depth``, or None."""
        if depth > self.budgets.max_depth:
            return "max_depth"
        pattern = _variant_pattern(url, role)
        if pattern is not None:
            seen = self._variants.get(pattern, set())
            if key not in seen and len(seen) >= self.budgets.max_query_variants:
                return "max_query_variants"
        if self.requested >= self.budgets.max_pages:
            return "max_pages"
        return None

    def admit(self, url: str, key: str, *, role: str) -> None:
        """Book ``url`` as requested."""
        self.requested += 1
        pattern = _variant_pattern(url, role)
        if pattern is not None:
            self._variants.setdefault(pattern, set()).add(key)

    def refuse(self, budget: str, url: str, key: str) -> bool:
        """Book ``url`` as left unfetched by ``budget``; True the first time ``budget`` refuses."""
        self._over_budget.add(key)
        examples = self._hits.get(budget)
        first = examples is None
        examples = self._hits.setdefault(budget, [])
        shape = url_pattern(url)
        if shape not in examples and len(examples) < _EXAMPLES_PER_BUDGET:
            examples.append(shape)
        return first

    @property
    def pages_over_budget(self) -> int:
        """Distinct URLs any budget left unfetched."""
        return len(self._over_budget)

    @property
    def budgets_hit(self) -> list[str]:
        """The budgets that refused at least one link, in the order first hit."""
        return list(self._hits)

    @property
    def examples(self) -> list[str]:
        """``"<budget>: <URL shape>"`` for a few links each budget refused."""
        return list(self._examples())

    def _examples(self) -> Iterator[str]:
        for budget, shapes in self._hits.items():
            for shape in shapes:
                yield f"{budget}: {shape}"


def _variant_pattern(url: str, role: str) -> str | None:
    """The URL shape ``url`` counts as a query variant of, or None when it counts as none
    (a post, or no query beyond pagination)."""
    if role == "post":
        return None
    query = urlsplit(canonical_url(url)).query
    if not any(k.lower() not in _PAGER_KEYS for k, _ in parse_qsl(query, keep_blank_values=True)):
        return None
    return url_pattern(url)
