"""Date text formats: read one date (and maybe a time) out of a short piece of text.

Numeric dates are day-first for UK sources (``en-GB``, the default) and month-first for
``en-US``; the two parts are swapped only when the reading is unambiguous (one part > 12).
Invalid dates (``32/13/2020``) give None and are never "repaired" into valid ones.

Time zones: every known time is stored as an aware UTC datetime. A time without a zone is
read in the locale's home zone (``en-GB`` -> Europe/London). The calendar date reported is
the publisher's local date: the date as written when the text carries a local offset
(``+01:00``, ``BST``) or no zone at all, and the date in the home zone when the text is a
UTC serialisation (``Z``, ``UTC``, ``GMT``, ``+00:00``), since UK CMSs store UTC and show
London time on the page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

__all__ = [
    "GENERIC_KEYS",
    "MODIFIED_KEYS",
    "PUBLISHED_KEYS",
    "Moment",
    "home_zone",
    "is_utc_stamp",
    "iter_moments",
    "json_objects",
    "parse_date_text",
    "parse_moment",
    "url_date",
]

_MONTH_NAMES = (  # English, then German and French for the multilingual evaluation sets
    "january february march april may june july august september october november december",
    "jan feb mar apr may jun jul aug sep oct nov dec",
    "januar februar märz april mai juni juli august september oktober november dezember",
    "jänner feb maerz apr mai jun jul aug sept okt nov dez",
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
)
_MONTHS: dict[str, int] = {
    name: number for row in _MONTH_NAMES for number, name in enumerate(row.split(), 1)
} | {"mär": 3}
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_TZ_RE = r"Z|UTC|GMT|BST|CEST|CET|EDT|EST|PDT|PST|[+-]\d{2}(?::?\d{2})?"
_TIME_RE = (
    r"(?:\s*(?:,|at|um|à|-|–|\|)?\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    rf"\s*(?P<ap>[ap]\.?m\.?(?![a-z]))?(?:\s*(?P<tz>{_TZ_RE})(?![a-z]))?)?"
)
_ISO = re.compile(
    r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    rf"\s*(?P<tz>{_TZ_RE})?)?(?!\d)",
    re.I,
)
_YMD = re.compile(
    r"(?<![\d/.])(?P<y>\d{4})(?P<sep>[/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d])" + _TIME_RE,
    re.I,
)
_NUMERIC = re.compile(
    r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"(?!\d|[/.-]\d)" + _TIME_RE,
    re.I,
)
_DAY_MONTH = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|\.)?[\s\-/]*(?:of\s+)?(?P<mon>{_MONTH_RE})(?![^\W\d_])"
    r"\.?,?[\s\-/]*(?P<y>\d{4})(?!\d)" + _TIME_RE,
    re.I,
)
_MONTH_DAY = re.compile(
    rf"(?<![^\W\d_])(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d),?\s+(?P<y>\d{{4}})(?!\d)"
    + _TIME_RE,
    re.I,
)
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", _ISO),
    ("ymd", _YMD),
    ("numeric", _NUMERIC),
    ("day_month", _DAY_MONTH),
    ("month_day", _MONTH_DAY),
)
_UTC_END = re.compile(r"(?:\d|\s)(?:Z|UTC|GMT|[+-]00:?00)\s*$", re.I)
_UTC_OFFSET = re.compile(r"[+-]00(?::?00)?")
_UTC_NAMES = frozenset({"z", "utc", "gmt"})
_NAMED_OFFSETS = {"bst": 1, "cet": 1, "cest": 2, "est": -5, "edt": -4, "pst": -8, "pdt": -7}
_ZONES = {"en-gb": "Europe/London", "en-us": "America/New_York"}
_MONTH_FIRST = frozenset({"en-us"})


@dataclass(frozen=True, slots=True)
class Moment:
    """A date read from text: the publisher's local date and, when known, the UTC time."""

    value: date
    at: datetime | None
    raw: str
    start: int = 0
    end: int = 0


def home_zone(locale: str) -> tzinfo:
    """The zone naive times are read in for ``locale`` (Europe/London unless en-US)."""
    return ZoneInfo(_ZONES.get(locale.replace("_", "-").lower(), "Europe/London"))


def parse_date_text(text: str, locale: str = "en-GB") -> date | None:
    """The first valid date written in ``text``, or None (never raises on garbage)."""
    moment = parse_moment(text, locale)
    return moment.value if moment else None


def parse_moment(text: str, locale: str = "en-GB") -> Moment | None:
    """The first valid date (with its time when one follows) written in ``text``."""
    return next(iter_moments(text, locale), None)


def iter_moments(text: str, locale: str = "en-GB") -> Iterator[Moment]:
    """Every valid date in ``text``, left to right; invalid ones are skipped whole."""
    if not isinstance(text, str) or not text:
        return
    matches = sorted(
        (
            (m.start(), -m.end(), kind, m)
            for kind, rx in _PATTERNS
            for m in rx.finditer(text[:5000])
        ),
        key=lambda item: item[:2],
    )
    taken = -1
    for start, _neg_end, kind, match in matches:
        if start < taken:
            continue
        taken = match.end()
        moment = _build(kind, match, locale)
        if moment is not None:
            yield moment


def _build(kind: str, match: re.Match[str], locale: str) -> Moment | None:
    parts = match.groupdict()
    if kind == "numeric":
        ymd = _day_month_order(int(parts["a"]), int(parts["b"]), locale)
        year = _full_year(parts["y"])
    else:
        month = _MONTHS[parts["mon"].lower()] if "mon" in parts else int(parts["m"])
        ymd, year = (int(parts["d"]), month), int(parts["y"])
    try:
        written = date(year, ymd[1], ymd[0])
    except ValueError:
        return None
    return _with_time(written, parts, locale, match)


def _day_month_order(first: int, second: int, locale: str) -> tuple[int, int]:
    """(day, month) from two numeric parts; swapped only when unambiguous."""
    month_first = locale.replace("_", "-").lower() in _MONTH_FIRST
    day, month = (second, first) if month_first else (first, second)
    if month > 12 >= day:
        day, month = month, day
    return day, month


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _with_time(
    written: date, parts: dict[str, str | None], locale: str, match: re.Match[str]
) -> Moment:
    raw = match.group(0).strip()
    clock = _clock(parts)
    if clock is None:
        return Moment(written, None, raw, match.start(), match.end())
    token = (parts.get("tz") or "").lower()
    zone = _zone(token, home_zone(locale))
    local = datetime(written.year, written.month, written.day, *clock, tzinfo=zone)
    try:
        at = local.astimezone(UTC)
        shown = at.astimezone(home_zone(locale)).date() if _is_utc(token) else written
    except OverflowError:  # e.g. a CMS placeholder "0001-01-01T00:00:00Z": keep the day only
        return Moment(written, None, raw, match.start(), match.end())
    return Moment(shown, at, raw, match.start(), match.end())


def _clock(parts: dict[str, str | None]) -> tuple[int, int, int] | None:
    if parts.get("H") is None:
        return None
    hour, minute, second = int(parts["H"] or 0), int(parts["M"] or 0), int(parts.get("S") or 0)
    meridiem = (parts.get("ap") or "").lower()[:1]
    if meridiem and 1 <= hour <= 12:
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def is_utc_stamp(raw: str) -> bool:
    """True when ``raw`` ends in a UTC marker (``Z``, ``UTC``, ``GMT``, ``+00:00``)."""
    return _UTC_END.search(raw) is not None


def _is_utc(token: str) -> bool:
    return token in _UTC_NAMES or _UTC_OFFSET.fullmatch(token) is not None


def _zone(token: str, home: tzinfo) -> tzinfo:
    if not token:
        return home
    if _is_utc(token):
        return UTC
    if token in _NAMED_OFFSETS:
        return timezone(timedelta(hours=_NAMED_OFFSETS[token]))
    digits = token[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return home
    sign = -1 if token[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


# -- dates in urls, meta keys and JSON-LD text ----------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# meta name/property/itemprop keys (lower case) that hold a publication or a modified date
PUBLISHED_KEYS = _words(
    "article:published_time article:published og:article:published_time og:published_time "
    "og:pubdate datepublished datecreated date_published publishdate publish_date publish-date "
    "published_time published-date pubdate parsely-pub-date sailthru.date article.published "
    "article:post_date cxenseparse:recs:publishtime citation_publication_date citation_date "
    "dc.date dc.date.issued dc.date.created dc.created dcterms.created dcterms.date "
    "dcterms.issued dc:date dc:created date originalpublicationdate rnews:datepublished "
    "displaydate shareaholic:article_published_time publication_date"
)
# Generic keys often hold a modified or crawl date: they vote less than the specific ones.
GENERIC_KEYS = _words("date dc.date dcterms.date dc:date citation_date displaydate")
MODIFIED_KEYS = _words(
    "article:modified_time article:modified og:updated_time og:modified_time datemodified "
    "dcterms.modified dc.modified last-modified lastmod modified_time updated_time"
)

_URL_DAY = re.compile(
    r"(?<!\d)((?:19|20)\d{2})[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
    r"|(?<=[/_-])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
)
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])(?=/)")
_JSON_DATE = re.compile(r'"(datePublished|dateCreated|dateModified)"\s*:\s*"([^"]{6,40})"')
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_JSON_NESTS = ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart")


def url_date(url: str) -> tuple[date, bool] | None:
    """The date in a url path and whether it has a day (``/2020/02/05/``) or only a month."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    for match in _URL_DAY.finditer(path):
        year, month, day = (int(g) for g in match.groups() if g is not None)
        try:
            return date(year, month, day), True
        except ValueError:
            return None
    month_match = _URL_MONTH.search(path)
    if month_match:
        return date(int(month_match.group(1)), int(month_match.group(2)), 1), False
    return None


def json_objects(text: str) -> Iterator[dict[str, object]]:
    """Every JSON object in a JSON-LD script (lists, ``@graph``), tolerating broken JSON."""
    text = text.strip().removeprefix("<![CDATA[").removesuffix("]]>").strip().rstrip(";")
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            data = json.loads(attempt, strict=False)
        except (ValueError, RecursionError):
            continue
        yield from _walk(data, 0)
        return
    for key, value in _JSON_DATE.findall(text):
        yield {key: value}


def _walk(data: object, depth: int) -> Iterator[dict[str, object]]:
    if depth > 8:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in _JSON_NESTS:
            if isinstance(data.get(key), (list, dict)):
                yield from _walk(data[key], depth + 1)
