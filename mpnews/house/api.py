"""Read the UK Parliament Members API (Search, Contact, Members/{id}) into member facts.

Endpoints, as ``mpnews/data/README.md`` documents them:

* ``GET {base}/api/Members/Search?House=1&IsCurrentMember=true&skip=N&take=20``, paged with
  ``skip`` until ``totalResults``: ``items[].value`` gives ``id``, ``nameDisplayAs``,
  ``latestParty.name`` and ``latestHouseMembership`` (``membershipFrom``,
  ``membershipStartDate``, ``membershipEndDate``);
* ``GET {base}/api/Members/{id}/Contact``: ``value[]`` entries of ``type`` "Website" give the
  MP's own site in ``line1``;
* ``GET {base}/api/Members/{id}``: one member (used for those who left: their end date).

The base URL is a setting (``MPNEWS_MEMBERS_API``), so tests serve recorded answers locally.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

import httpx

from mpnews.exceptions import MpnewsError
from mpnews.house.facts import MemberFacts

__all__ = ["MembersApi", "MembersApiError"]

_PAGE = 20
_MAX_PAGES = 200  # 4,000 members: far more than the House holds


class MembersApiError(MpnewsError):
    """The Members API could not be read (unreachable, an error status, or not its JSON)."""


class MembersApi:
    """A small client: one ``httpx.Client``, bounded paging, one error type."""

    def __init__(self, base_url: str, *, timeout: float = 30.0, user_agent: str = "mpnews") -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.Client(
            base_url=self.base_url, timeout=timeout, headers={"User-Agent": user_agent}
        )

    def close(self) -> None:
        self._client.close()

    def current_members(
        self, progress: Callable[[int, int], None] | None = None
    ) -> list[MemberFacts]:
        """Every current member of the Commons, with the website from their contact data."""
        facts = []
        values = list(self._search())
        for done, value in enumerate(values, start=1):
            facts.append(_facts(value, self.website(int(value["id"])), sitting=True))
            if progress:
                progress(done, len(values))
        return facts

    def former_members(self, member_ids: Iterable[int]) -> list[MemberFacts]:
        """Facts for members known to have left (their membership end date included)."""
        return [
            _facts(self._get(f"/api/Members/{i}")["value"], "", sitting=False) for i in member_ids
        ]

    def website(self, member_id: int) -> str:
        entries = self._get(f"/api/Members/{member_id}/Contact").get("value") or []
        for entry in entries:
            if str(entry.get("type", "")).lower() == "website" and entry.get("line1"):
                return str(entry["line1"]).strip()
        return ""

    def _search(self) -> Iterator[dict[str, Any]]:
        skip = 0
        for _ in range(_MAX_PAGES):
            page = self._get(
                "/api/Members/Search",
                params={"House": 1, "IsCurrentMember": "true", "skip": skip, "take": _PAGE},
            )
            items = page.get("items") or []
            yield from (item["value"] for item in items)
            skip += len(items)
            if not items or skip >= int(page.get("totalResults", 0)):
                return
        raise MembersApiError(
            f"{self.base_url}: Members/Search did not end after {_MAX_PAGES} pages"
        )

    def _get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        url = f"{self.base_url}{path}"
        try:
            response = self._client.get(path, params=params)
            response.raise_for_status()
            data = response.json()
        except httpx.HTTPStatusError as exc:
            raise MembersApiError(f"{url}: HTTP {exc.response.status_code}") from None
        except httpx.HTTPError as exc:
            raise MembersApiError(f"{url}: cannot reach the Members API ({exc})") from None
        except ValueError:
            raise MembersApiError(f"{url}: the answer is not JSON") from None
        if not isinstance(data, dict):
            raise MembersApiError(f"{url}: expected a JSON object")
        return data


def _facts(value: dict[str, Any], website: str, *, sitting: bool) -> MemberFacts:
    try:
        membership = value.get("latestHouseMembership") or {}
        return MemberFacts(
            member_id=int(value["id"]),
            name=str(value["nameDisplayAs"]),
            constituency=str(membership["membershipFrom"]),
            party=str((value.get("latestParty") or {})["name"]),
            sitting=sitting,
            website=website,
            sat_from=_day(membership.get("membershipStartDate")),
            sat_until=_day(membership.get("membershipEndDate")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise MembersApiError(f"Members API member {value.get('id')!r}: missing {exc}") from None


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None
