"""Dating step: a page's publication date, with its source, a confidence and the conflicts.

Candidates come from the page (``jsonld``, ``meta``, ``time``, ``visible``, ``url``) and from
the caller (``listing``, ``feed`` hints); htmldate (``original_date=True``) is the fallback
only. Agreeing page/hint sources give high confidence, a url date comes next, htmldate last.
Dates are the publisher's local calendar date (see ``dating_formats``). A UTC timestamp
(``...T02:25Z``) fits any local date its publisher's zone could show, so when another source
pins one of those dates (a url ``/2020/02/24/`` or a visible "24 February") that date wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import htmldate
import lxml.html
from lxml.etree import Element, ParserError, XPath
from lxml.html import HtmlElement

from . import dating_formats as fmt
from .dating_formats import parse_date_text

__all__ = [
    "SOURCES",
    "DateCandidate",
    "DateChoice",
    "find_date",
    "find_date_candidates",
    "find_invalid_date_text",
    "is_figure_or_modified",
    "lead_text",
    "parse_date_text",
]

SOURCES: tuple[str, ...] = ("listing", "feed", "visible", "time", "jsonld", "meta", "url")
SOURCES += ("htmldate",)
_STRONG = frozenset({"listing", "feed", "visible", "time", "jsonld", "meta"})
_WEIGHT = {"jsonld": 3.0, "meta": 3.0, "listing": 2.5, "feed": 2.5, "time": 2.0, "visible": 2.0}
_TIMED = frozenset({"jsonld", "meta", "time"})
_EARLIEST = date(1990, 1, 1)

_ARTICLE_TYPES = re.compile(r"article|posting|report|blog|newsitem", re.I)
_SKIP_AREA = re.compile(
    r"comment|sidebar|related|widget|footer|recent|popular|teaser|reply|trending|caption", re.I
)
_CAPTION = re.compile(r"caption", re.I)
_SKIP_TAGS = frozenset({"footer", "aside", "nav", "figure", "figcaption"})
_DATE_CUE = re.compile(r"date|time|byline|posted|publish|dateline|datum|entry-meta|post-meta", re.I)
_PUBLISH_CUE = re.compile(r"publish|entry-date|post-date|created|datepublished", re.I)
_MODIFIED_CUE = re.compile(r"updat|modif|aktualisiert|mis à jour", re.I)

_MONTH_RAW = re.compile(r"\d{4}/\d{2}")
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?![\d/.-])")
_JAN_FIRST = (  # renderings of 1 January that support an htmldate 01-01 answer ({y}: year)
    r"{y}[/.-]0?1[/.-]0?1(?!\d)|(?<!\d)0?1[/.-]0?1[/.-]{y}"
    r"|(?<!\d)1(?:st|er|\.)?\s*(?:jan|janv|jän|ene|gen)\w*\.?,?\s*{y}"
    r"|jan\w*\.?\s*1(?:st)?,?\s*{y}"
)
_JSONLD = XPath('//script[contains(@type, "ld+json")]')
_METAS = XPath("//meta[@content]")
_MICRODATA = XPath('//body//*[@itemprop="datePublished" or @itemprop="dateCreated"]')
_TIMES = XPath("//time[@datetime]")
_CUED_TAGS: tuple[str, ...] = ("p", "span", "div", "time", "li", "small", "abbr", "em", "strong")
_CUED_TAGS += ("a", "header", "h2", "h3", "h4")
_CUED = XPath(f"//body//*[{' or '.join(f'self::{t}' for t in _CUED_TAGS)}][@class or @id]")
_TITLE = XPath("(//body//h1)[1]")
_CANONICAL = XPath('//link[@rel="canonical"]/@href')
_US_PAGE = XPath(
    'boolean(/html[starts-with(translate(@lang, "US", "us"), "en-us")'
    ' or starts-with(translate(@xml:lang, "US", "us"), "en-us")])'
)

Found = Iterator[tuple[bool, "DateCandidate"]]


@dataclass(frozen=True, slots=True)
class DateCandidate:
    """One reading of the publication date; ``at`` is an aware UTC time when one is known.

    ``raw`` is the text read (meta and JSON-LD as ``key=value``). A month-only url date
    (``/2020/02/``) has ``raw`` ``"2020/02"`` and the 1st of the month as ``value``.
    """

    value: date
    source: str
    raw: str
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DateChoice:
    """The chosen date, its source, a confidence in [0, 1] and every candidate weighed."""

    date: date
    source: str
    confidence: float
    updated_at: datetime | None
    candidates: tuple[DateCandidate, ...]
    conflicts: tuple[DateCandidate, ...]


def find_date_candidates(
    html: str | bytes | HtmlElement, url: str, *, locale: str = "en-GB"
) -> list[DateCandidate]:
    """Every publication-date candidate on the page, strongest sources first."""
    return _collect(_as_tree(html), url, locale)[0]


def find_invalid_date_text(html: str | bytes | HtmlElement) -> str | None:
    """The first numeric date-like text in the page's date places that is no valid date
    (``32/13/2020``), for saying why a page has no date; None when there is none."""
    tree = _as_tree(html)
    if tree is None:
        return None
    texts = [elem.get("datetime", "") for elem in _TIMES(tree)]
    texts += [elem.text_content()[:200] for elem in _visible_elements(tree)]
    for text in texts:
        for match in _NUMERIC_DATE.finditer(text):
            if parse_date_text(match.group()) is None:
                return match.group()
    return None


def find_date(
    html: str | bytes | HtmlElement,
    url: str,
    *,
    locale: str = "en-GB",
    hints: Sequence[DateCandidate] = (),
    today: date | None = None,
) -> DateChoice | None:
    """Reconcile the page's candidates and ``hints`` into one date, or None."""
    tree = _as_tree(html)
    latest = today or (datetime.now(UTC).date() + timedelta(days=1))
    published, modified = _collect(tree, url, locale)
    hints = _new_readings(hints, (*published, *modified))
    candidates = [c for c in (*hints, *published) if _EARLIEST <= c.value <= latest]
    day_first = frozenset(
        {"listing"} if tree is not None and _US_PAGE(tree) else {"listing", "visible"}
    )
    choice = _reconcile(candidates, day_first)
    if choice is None or _weak(choice, candidates):
        fallback = _htmldate(tree, url, latest)
        if fallback is not None:
            candidates.append(fallback)
            choice = _prefer_fallback(choice, fallback) or _reconcile(candidates, day_first)
    if choice is None:
        return None
    value, source, confidence = choice
    updated = [m for m in modified if value <= m.value <= latest]
    return DateChoice(
        date=value,
        source=source,
        confidence=round(min(1.0, max(0.0, confidence)), 3),
        updated_at=_as_utc(updated[0], locale) if updated else None,
        candidates=tuple(candidates),
        conflicts=tuple(c for c in candidates if not _agrees(c, value)),
    )


def _new_readings(
    hints: Sequence[DateCandidate], page: Sequence[DateCandidate]
) -> list[DateCandidate]:
    """The hints that are not the page's own readings of the same element: a site family's
    ``<time>`` or JSON-LD hint is the very text the dating step reads on the page, and one
    element votes once."""
    read = {_bare(c.raw) for c in page}
    return [h for h in hints if h.source in ("listing", "feed") or _bare(h.raw) not in read]


def _bare(raw: str) -> str:
    """A candidate's text without the ``key=`` of meta and JSON-LD readings."""
    key, sep, rest = raw.partition("=")
    return " ".join((rest if sep and " " not in key else raw).split())


# -- reconciliation ---------------------------------------------------------------------------

Choice = tuple[date, str, float]


def _reconcile(candidates: list[DateCandidate], day_first: frozenset[str]) -> Choice | None:
    strong = [c for c in candidates if c.source in _STRONG]
    if strong:
        return _vote(strong, candidates, day_first)
    days = [c for c in candidates if c.source == "url" and not _month_only(c)]
    fallback = [c for c in candidates if c.source == "htmldate"]
    if days:
        agree = any(_agrees(f, days[0].value) for f in fallback)
        return days[0].value, "url", 0.7 if agree else 0.6
    if fallback:
        agree = any(_agrees(c, fallback[0].value) for c in candidates if c.source == "url")
        return fallback[0].value, "htmldate", 0.5 if agree else 0.4
    return None


def _vote(
    strong: list[DateCandidate], candidates: list[DateCandidate], day_first: frozenset[str]
) -> Choice:
    weighted = _weighted(strong)
    scores: dict[date, float] = {}
    for cand, weight in weighted:
        if len(_local_dates(cand)) == 1:
            scores[cand.value] = scores.get(cand.value, 0.0) + weight
    pins = dict(scores)
    for url_day in (c.value for c in candidates if c.source == "url" and not _month_only(c)):
        pins[url_day] = pins.get(url_day, 0.0) + 1.0
    for cand, weight in weighted:
        if len(_local_dates(cand)) > 1:
            settled = _settle(cand, pins)
            scores[settled] = scores.get(settled, 0.0) + weight
    for cand in candidates:
        if cand.source in ("url", "htmldate"):
            for value in scores:
                scores[value] += (1.0 if cand.source == "url" else 0.5) * _agrees(cand, value)
    _trust_day_first(strong, scores, day_first)
    best = max(scores, key=lambda v: (scores[v], -_rank(candidates, v)))
    agreeing = {c.source for c in candidates if _agrees(c, best)}
    base = 0.95 if len(agreeing & _STRONG) >= 2 or "url" in agreeing else 0.85
    source = min(agreeing & _STRONG or agreeing, key=_order)
    return best, source, base * scores[best] / sum(scores.values())


def _weighted(strong: list[DateCandidate]) -> list[tuple[DateCandidate, float]]:
    """The first candidate of each source votes in full, later ones a little."""
    seen: set[str] = set()
    weighted = []
    for cand in strong:
        weight = _WEIGHT[cand.source] if cand.source not in seen else 0.25
        if cand.source == "meta" and cand.raw.split("=", 1)[0] in fmt.GENERIC_KEYS:
            weight = min(weight, 1.5)
        if cand.at is not None and cand.source in _TIMED and cand.source not in seen:
            weight += 0.5  # structured metadata with a time is the most precise reading
        seen.add(cand.source)
        weighted.append((cand, weight))
    return weighted


def _settle(cand: DateCandidate, pins: dict[date, float]) -> date:
    """The local date a UTC-stamped candidate stands for: the best-supported date it fits."""
    options = [d for d in _local_dates(cand) if d in pins]
    return max(options, key=lambda d: (pins[d], d == cand.value)) if options else cand.value


def _trust_day_first(
    strong: list[DateCandidate], scores: dict[date, float], sources: frozenset[str]
) -> None:
    """A listing/visible date whose day/month swap is a structured date wins: trust day-first."""
    for cand in strong:
        day, month = cand.value.day, cand.value.month
        if cand.source in sources and day <= 12 and day != month and cand.value in scores:
            swapped = date(cand.value.year, day, month)
            if swapped in scores:
                scores[cand.value] += scores.pop(swapped)


def _rank(candidates: list[DateCandidate], value: date) -> int:
    return min((_order(c.source) for c in candidates if c.value == value), default=len(SOURCES))


def _order(source: str) -> int:
    return SOURCES.index(source) if source in SOURCES else len(SOURCES)


def _weak(choice: Choice, candidates: list[DateCandidate]) -> bool:
    """Only one visible or time reading, unconfirmed by a url: worth asking htmldate."""
    support = {c.source for c in candidates if _agrees(c, choice[0])}
    return choice[1] not in _STRONG or (len(support) == 1 and support <= {"visible", "time"})


def _prefer_fallback(choice: Choice | None, fallback: DateCandidate) -> Choice | None:
    """htmldate overrides a lone time/visible reading, unless visible text outvoted others."""
    if choice is None or choice[1] not in _STRONG or choice[0] == fallback.value:
        return None
    if choice[1] == "visible" and choice[2] < 0.8:
        return None
    return fallback.value, "htmldate", 0.45


def _local_dates(cand: DateCandidate) -> tuple[date, ...]:
    """Dates a UTC timestamp can show in any zone (UTC-12..UTC+14); else just its value."""
    if cand.at is None or not fmt.is_utc_stamp(cand.raw):
        return (cand.value,)
    first, last = (cand.at - timedelta(hours=12)).date(), (cand.at + timedelta(hours=14)).date()
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


def _agrees(cand: DateCandidate, value: date) -> bool:
    if _month_only(cand):
        return (cand.value.year, cand.value.month) == (value.year, value.month)
    return value in _local_dates(cand)


def _month_only(cand: DateCandidate) -> bool:
    return cand.source == "url" and _MONTH_RAW.fullmatch(cand.raw) is not None


def _as_utc(cand: DateCandidate, locale: str) -> datetime:
    if cand.at is not None:
        return cand.at
    return datetime.combine(cand.value, time(), fmt.home_zone(locale)).astimezone(UTC)


def _htmldate(tree: HtmlElement | None, url: str, latest: date) -> DateCandidate | None:
    if tree is None:
        return None
    found = _run_htmldate(tree, url, latest, extensive=True)
    value = parse_date_text(found or "")
    if value is None or not _EARLIEST <= value <= latest or _year_guess(tree, url, value, latest):
        return None
    if _impossible_day_guess(tree, value):
        return None
    return DateCandidate(value, "htmldate", found or "")


def _run_htmldate(tree: HtmlElement, url: str, latest: date, *, extensive: bool) -> str | None:
    return htmldate.find_date(
        tree,
        url=url or None,
        original_date=True,
        outputformat="%Y-%m-%d",
        extensive_search=extensive,
        min_date=datetime.combine(_EARLIEST, time()),
        max_date=datetime.combine(latest, time()),
    )


def _year_guess(tree: HtmlElement, url: str, value: date, latest: date) -> bool:
    """htmldate's extensive search ends in a bare year read as 1 January: a guess, unless
    the page writes that day or htmldate finds it without the extensive search."""
    if (value.month, value.day) != (1, 1):
        return False
    written = re.compile(_JAN_FIRST.format(y=value.year), re.I)
    if written.search(lxml.html.tostring(tree, encoding="unicode")):
        return False
    return _run_htmldate(tree, url, latest, extensive=False) != value.isoformat()


def _impossible_day_guess(tree: HtmlElement, value: date) -> bool:
    """htmldate read an impossible date the page shows (``31/04/2021``) as the 1st of its
    month: a guess, not a date."""
    if value.day != 1:
        return False
    invalid = find_invalid_date_text(tree)
    numbers = {int(n) for n in re.findall(r"\d+", invalid or "")}
    return value.month in numbers and value.year in numbers


# -- candidates from the page -----------------------------------------------------------------


def _as_tree(html: str | bytes | HtmlElement) -> HtmlElement | None:
    if isinstance(html, HtmlElement):
        return html
    if not html or not html.strip():
        return None
    data = html.encode("utf-8", "replace") if isinstance(html, str) else html
    parser = lxml.html.HTMLParser(encoding="utf-8") if isinstance(html, str) else None
    try:
        return lxml.html.document_fromstring(data, parser=parser)
    except (ParserError, ValueError):
        return None


def _collect(
    tree: HtmlElement | None, url: str, locale: str
) -> tuple[list[DateCandidate], list[DateCandidate]]:
    published: list[DateCandidate] = []
    modified: list[DateCandidate] = []
    finders = (_from_jsonld, _from_meta, _from_times, _from_visible) if tree is not None else ()
    for finder in finders:
        for is_modified, cand in finder(tree, locale):
            (modified if is_modified else published).append(cand)
    canonical = _CANONICAL(tree) if tree is not None and not url else []
    found = fmt.url_date(url or (str(canonical[0]) if canonical else ""))
    if found is not None:
        value, has_day = found
        raw = value.isoformat() if has_day else f"{value.year}/{value.month:02d}"
        published.append(DateCandidate(value, "url", raw))
    return published, modified


def _candidate(source: str, text: str, locale: str, key: str = "") -> DateCandidate | None:
    """A candidate read from ``text``; ``raw`` is ``key=text`` for meta and JSON-LD."""
    moment = fmt.parse_moment(text, locale)
    if moment is None:
        return None
    return DateCandidate(moment.value, source, f"{key}={text}" if key else moment.raw, moment.at)


def _ranked(found: list[tuple[int, bool, DateCandidate]]) -> Found:
    found.sort(key=lambda item: item[0])
    return ((is_modified, cand) for _rank, is_modified, cand in found)


def _from_jsonld(tree: HtmlElement, locale: str) -> Found:
    found: list[tuple[int, bool, DateCandidate]] = []
    for script in _JSONLD(tree):
        for obj in fmt.json_objects(script.text or ""):
            rank = 0 if _ARTICLE_TYPES.search(str(obj.get("@type", ""))) else 1
            for key in ("datePublished", "dateCreated", "dateModified"):
                cand = _candidate("jsonld", str(obj.get(key) or ""), locale, key)
                if cand is not None:
                    found.append((rank, key == "dateModified", cand))
    return _ranked(found)


def _from_meta(tree: HtmlElement, locale: str) -> Found:
    found: list[tuple[int, bool, DateCandidate]] = []
    for elem in _METAS(tree):
        key = (elem.get("property") or elem.get("name") or elem.get("itemprop") or "").lower()
        if key in fmt.PUBLISHED_KEYS or key in fmt.MODIFIED_KEYS:
            cand = _candidate("meta", elem.get("content", ""), locale, key)
            if cand is not None:
                found.append((int(key in fmt.GENERIC_KEYS), key in fmt.MODIFIED_KEYS, cand))
    for elem in _MICRODATA(tree):
        value = elem.get("content") or elem.get("datetime") or elem.text_content()[:200]
        cand = _candidate("meta", value, locale, elem.get("itemprop", "").lower())
        if cand is not None:
            found.append((0, False, cand))  # itemprop="datePublished": a specific key
    return _ranked(found)


def _from_times(tree: HtmlElement, locale: str) -> Found:
    found: list[tuple[int, bool, DateCandidate]] = []
    for elem in _TIMES(tree):
        parent = elem.getparent()
        cues = " ".join(filter(None, (elem.get("class"), elem.get("itemprop"), _cues(parent))))
        cued = elem.get("pubdate") is not None or _PUBLISH_CUE.search(cues) is not None
        modified = _MODIFIED_CUE.search(f"{cues} {lead_text(elem)}") is not None
        if _in_skipped_area(elem) or not (cued or modified or not found):
            continue
        cand = _candidate("time", elem.get("datetime", ""), locale)
        if cand is not None:
            found.append((0 if cued else 1, modified, cand))
    return _ranked(found[:5])


def _from_visible(tree: HtmlElement, locale: str) -> Found:
    count = 0
    for elem in _visible_elements(tree):
        text = " ".join(elem.text_content().split())[:200]
        moment = fmt.parse_moment(text, locale)
        if moment is not None:
            yield (
                _MODIFIED_CUE.search(text[: moment.start]) is not None,
                DateCandidate(moment.value, "visible", moment.raw, moment.at),
            )
            count += 1
        if count >= 3:
            return


def _visible_elements(tree: HtmlElement) -> Iterator[HtmlElement]:
    title = _TITLE(tree)
    if title:
        following = title[0].itersiblings(Element)
        for _ in range(4):
            sibling = next(following, None)
            if sibling is None or len(sibling.text_content()) > 300:
                break
            if sibling.tag not in _SKIP_TAGS and not _SKIP_AREA.search(_cues(sibling)):
                yield sibling
    for elem in _CUED(tree):
        if (
            _DATE_CUE.search(_cues(elem))
            and len(elem.text_content()) <= 200
            and not _in_skipped_area(elem)
        ):
            yield elem


def lead_text(elem: HtmlElement) -> str:
    """The words just before ``elem`` in its parent ("Updated", "Published"), up to 40
    characters: what the page says the date is."""
    parent = elem.getparent()
    if parent is None:
        return ""
    before = [parent.text or ""]
    for sibling in parent:
        if sibling is elem:
            break
        before += [sibling.text_content(), sibling.tail or ""]
    return " ".join("".join(before).split())[-40:]


def _cues(elem: HtmlElement | None) -> str:
    return "" if elem is None else f"{elem.get('class', '')} {elem.get('id', '')}"


def is_figure_or_modified(elem: HtmlElement) -> bool:
    """True when a date element is no publication date: it sits in a figure or a caption,
    or the page calls it an update."""
    cues = f"{elem.get('class', '')} {elem.get('itemprop', '')} {lead_text(elem)}"
    in_figure = any(
        node.tag in ("figure", "figcaption") or _CAPTION.search(_cues(node))
        for node in (elem, *elem.iterancestors())
    )
    return in_figure or _MODIFIED_CUE.search(cues) is not None


def _in_skipped_area(elem: HtmlElement) -> bool:
    return any(
        node.tag in _SKIP_TAGS or _SKIP_AREA.search(_cues(node))
        for node in (elem, *elem.iterancestors())
    )
