"""Our outage, not theirs: when most of a run's sources fail the same network way at once.

A run whose sources nearly all fail with "dns lookup failed" (or "connection refused",
"timeout", "no route") says more about the crawler's own network or DNS than about the sites.
``decide_outage`` takes the run's failure reasons (one per source, None for a source that did
not fail) and decides whether that is an outage: at least :data:`MIN_SOURCES` sources AND more
than half of the run's sources failed with the same network reason. Pure: no IO, no clock.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["MIN_SOURCES", "Outage", "decide_outage", "network_reason"]

MIN_SOURCES = 3
#: network reason (as ``spiders.middlewares`` reports it) -> what most likely broke
_CAUSES = {
    "dns lookup failed": "the crawler's own DNS resolver",
    "connection refused": "the crawler's own network (or a proxy or firewall on its way out)",
    "timeout": "the crawler's own network connection",
    "no route": "the crawler's own network connection (no route to the sites)",
}
_UNREACHABLE = re.compile(r"^site unreachable: (?P<reason>[^(]+?)\s*(?:\(|$)")


@dataclass(frozen=True, slots=True)
class Outage:
    """One network failure shared by most of a run's sources."""

    reason: str  # "dns lookup failed", ...
    likely_cause: str
    failed: int  # sources that failed this way
    total: int  # sources in the run
    sources: tuple[str, ...]  # the sources that failed this way, sorted

    @property
    def message(self) -> str:
        return (
            f"network outage: {self.failed} of {self.total} sources failed with "
            f"'{self.reason}' in one run; likely cause: {self.likely_cause}, not the sites"
        )


def network_reason(failure: str | None) -> str | None:
    """The network reason of a failed run's reason (``crawl_runs.error``), or None."""
    if not failure:
        return None
    match = _UNREACHABLE.match(failure)
    if match is None:
        return None
    reason = match.group("reason").strip().lower()
    return next((known for known in _CAUSES if reason.startswith(known)), None)


def decide_outage(
    failures: Mapping[str, str | None], *, min_sources: int = MIN_SOURCES
) -> Outage | None:
    """An :class:`Outage` when at least ``min_sources`` sources and more than half of all
    ``failures`` (every source of the run) failed with the same network reason; else None."""
    reasons = {name: network_reason(failure) for name, failure in failures.items()}
    counts = Counter(reason for reason in reasons.values() if reason is not None)
    if not counts:
        return None
    reason, failed = counts.most_common(1)[0]
    total = len(failures)
    if failed < min_sources or failed * 2 <= total:
        return None
    names = tuple(sorted(name for name, r in reasons.items() if r == reason))
    return Outage(reason, _CAUSES[reason], failed, total, names)
