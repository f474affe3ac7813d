"""Remove what surrounds a post: family elements before extraction, whole-line leftovers after.

Tree pruning does the real work (``#respond``, ``.sharedaddy``, ``.blog-sidebar``, …); the
line rules below only catch what slipped through, and only ever match a whole line, so
"the picture of Theresa May" or "categories of care" inside a sentence stay. ``page_cues``
reads what the page says about its own text before extraction (the headline's spellings,
link-only paragraphs, other stories' headlines, a standfirst that is the description), for
``clean_text`` to use on the extracted lines.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from lxml.etree import XPath
from lxml.html import HtmlElement

from pipeline.families import Family

__all__ = [
    "BOILERPLATE_LINES",
    "TERMINAL_LINES",
    "PageCues",
    "clean_text",
    "page_cues",
    "prune_tree",
]

BOILERPLATE_LINES = re.compile(
    r"^(?:"
    r"picture|image|photo"
    r"|share this:?|like this:?|like loading(?:\.\.\.|…)?|loading(?:\.\.\.|…)"
    r"|share on (?:facebook|twitter|x|linkedin|whatsapp|email)"
    r"|leave a (?:reply|comment)\.?|reply|\d* ?comments?|comments are closed\.?"
    r"|fill in your details below or click an icon to log in:?"
    r"|you are commenting using your .{1,40} account\..*"
    r"|connecting to %s|\(?\s*log out\s*/\s*change\s*\)?"
    r"|notify me of (?:new comments|follow-up comments|new posts) .*"
    r"|(?:wordpress\.com|facebook|twitter|google) (?:logo|photo)"
    r"|join our commenting forum|join thought-provoking conversations.*"
    r"|thank you for registering|please refresh (?:the|your) (?:page|browser).*"
    r"|promoted (?:and published )?by .{1,200} on behalf of .*"
    r"|categories:?|archives:?|rss feed|subscribe to my newsletter|back to (?:top|news)"
    r"|related (?:articles|posts|stories):?|read more|continue reading.*"
    # newsletter and donation boxes
    r"|(?:sign up|subscribe|register)(?: now| today| here)?(?: for| to)(?: our| the| my)? .{0,80}"
    r"(?:newsletter|bulletin|briefing|inbox|email updates).*"
    r"|get (?:our|the) .{0,60}newsletter.*|.{0,60}newsletter sign[- ]?up"
    r"|thanks? (?:you )?for (?:signing up|subscribing|your support)[.!]?"
    r"|keep an eye on your inbox.*|there was an error processing your subscription\.?"
    r"|(?:please )?(?:donate|make a donation|support (?:us|our (?:work|journalism)))"
    r"(?: now| today)?"
    r"(?: (?:from|for) .{1,30})?[.!]?"
    r"|(?:if you (?:value|enjoyed|appreciate) .{1,80}, )?please consider (?:donating|supporting).*"
    # consent placeholders for blocked embeds
    r"|(?:this|the) (?:content|embed|video|tweet|post|media) (?:is|has been) blocked.*"
    r"|.{0,80}(?:accept|enable|allow) .{0,40}cookies.{0,60} to (?:view|see|watch|load|display|play)"
    r" .*"
    r"|we need your (?:consent|permission) to load .*"
    r"|(?:click|tap) (?:here )?to (?:accept|allow|load) (?:cookies|the (?:content|embed|video)).*"
    r"|(?:view|see|watch) this (?:post|tweet|video|photo) on"
    r" (?:instagram|twitter|x|youtube|facebook|tiktok)"
    r"|a post shared by .{1,80}"
    r")$",
    re.I,
)
# A line that ends the article: what follows it is another story or a rail of teasers.
TERMINAL_LINES = re.compile(
    r"^(?:next|read next|up next|next (?:article|story|post)|more (?:stories|news|articles)"
    r"|related(?: (?:articles|stories|posts|content|news|coverage|reading))?"
    r"|you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|recommended(?: for you)?"
    r"|most (?:read|popular|viewed|shared)|trending(?: now)?|also (?:read|on|in) .{1,40}"
    r"|more (?:from|on|in) .{1,40}|(?:latest|top) (?:news|stories)(?: from .{1,40})?)\s*:?$",
    re.I,
)
_SUFFIX = re.compile(r"\s+[|–—·•»-]\s+|\s*::\s*")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_SPACE = re.compile(r"[ \t\u00a0]+")
_STORY_MIN = 300
_HEADINGS = XPath("(//body//h1)[1]")
_META_TITLES = XPath(
    "//meta[@property='og:title' or @name='twitter:title']/@content | //title/text()"
)
_LINKS = XPath("//body//a[@href]")
_BLOCKS = frozenset({"p", "li", "h2", "h3", "h4", "dd", "dt", "td", "blockquote", "div", "body"})
_STORIES = XPath("//article")
_STORY_HEADLINE = XPath(".//h1 | .//h2")
_DESCRIPTION = XPath("//meta[@name='description' or @property='og:description']/@content")
_STANDFIRSTS = XPath(
    "//body//*[self::p or self::h2 or self::div or self::span][contains(@class, 'standfirst')"
    " or contains(@class, 'intro') or contains(@class, 'subtitle') or contains(@class, 'sub-title')"
    " or contains(@class, 'subhead') or contains(@class, 'dek') or contains(@class, 'lede')"
    " or contains(@class, 'lead') or contains(@class, 'summary') or contains(@class, 'teaser')"
    " or contains(@class, 'excerpt') or contains(@class, 'description')]"
    "[not(*[self::p or self::div])]"
)


def prune_tree(tree: HtmlElement, family: Family) -> HtmlElement:
    """Drop the family's non-post elements (in place) and return the tree."""
    for node in family.prune(tree):
        parent = node.getparent()
        if parent is not None:
            node.drop_tree()
    return tree


def clean_text(text: str, *, title: str | None = None, cues: PageCues | None = None) -> str:
    """Whole-line cleanup: drop boilerplate lines, a leading copy of the headline (also with a
    site suffix, a kicker or other quotes), immediate repeats (a caption printed twice); cut
    at another story's headline or a "Related"/"Read next" line in the second half; drop
    trailing lines that are only links; put back the page's standfirst when extraction left it
    out. Paragraphs are joined by blank lines; Unicode is composed (NFC), so "u" + combining
    diaeresis reads as "ü"."""
    cues = cues or PageCues()
    titles = _title_keys((title or "", *cues.titles))
    lines = [
        _SPACE.sub(" ", raw).strip() for raw in unicodedata.normalize("NFC", text).splitlines()
    ]
    lines = [line for line in lines if line]
    total = sum(len(line) for line in lines)
    kept: list[str] = []
    seen = 0
    for line in lines:
        seen += len(line)
        key = _key(line)
        if kept and (
            key in cues.next_headings or (TERMINAL_LINES.match(line) and seen > total / 2)
        ):
            break
        if BOILERPLATE_LINES.match(line) or (kept and line == kept[-1]):
            continue
        if not kept and _is_headline(key, titles):
            continue
        kept.append(line)
    while len(kept) > 1 and _key(kept[-1].lstrip("-•* ")) in cues.link_lines:
        kept.pop()
    if cues.standfirst and kept and not any(_key(cues.standfirst) in _key(k) for k in kept[:3]):
        kept.insert(0, cues.standfirst)
    return "\n\n".join(kept)


@dataclass(frozen=True, slots=True)
class PageCues:
    """What the page says about its own text, read before extraction: the headline's
    spellings, the text of link-only paragraphs and list items, the headlines of other
    stories on the page, and a visible standfirst that is the page's description."""

    titles: tuple[str, ...] = ()
    link_lines: frozenset[str] = frozenset()
    next_headings: frozenset[str] = frozenset()
    standfirst: str | None = None


def page_cues(tree: HtmlElement) -> PageCues:
    """The page's cues (one pass over its links, headings and description elements)."""
    titles = [_text(e) for e in _HEADINGS(tree)] + [str(t) for t in _META_TITLES(tree)]
    return PageCues(
        titles=tuple(t for t in titles if t),
        link_lines=_link_lines(tree),
        next_headings=_next_headings(tree),
        standfirst=_standfirst(tree),
    )


def _link_lines(tree: HtmlElement) -> frozenset[str]:
    """Paragraphs and list items whose text is all link text."""
    found: set[str] = set()
    for anchor in _LINKS(tree):
        block = anchor.getparent()
        while block is not None and block.tag not in _BLOCKS:
            block = block.getparent()
        if block is None:
            continue
        text = _text(block)
        linked = sum(len(_text(a)) for a in block.iter("a"))
        if text and linked >= 0.9 * len(text.replace(" ", "")) - 2:
            found.add(_key(text))
    return frozenset(found)


def _next_headings(tree: HtmlElement) -> frozenset[str]:
    """Headlines of other stories after the article that holds the page's headline (an
    endless-scroll "next article" appended to the first). None when the headline is in no
    ``<article>``: then the page's articles may be sections of one story."""
    headline = _HEADINGS(tree)
    stories = _STORIES(tree)
    if not headline or len(stories) < 2:
        return frozenset()
    main = headline[0]
    home = next((a for a in main.iterancestors() if a.tag == "article"), None)
    if home is None or sum(len(_text(p)) for p in home.iter("p")) < _STORY_MIN:
        return frozenset()  # the headline's article is no whole story: a header, a section
    wanted = {id(main), *(id(s) for s in stories)}
    order = {id(e): i for i, e in enumerate(tree.iter()) if id(e) in wanted}
    found = set()
    for story in stories:
        if order[id(story)] < order[id(main)] or main in story.iter("h1"):
            continue
        heading = next(iter(_STORY_HEADLINE(story)), None)
        if heading is not None and len(_text(heading)) > 15:
            found.add(_key(_text(heading)))
    return frozenset(found)


def _standfirst(tree: HtmlElement) -> str | None:
    """A visible intro, subtitle or teaser paragraph whose text is the page's description."""
    descriptions = [_key(str(d)) for d in _DESCRIPTION(tree) if len(str(d).strip()) > 40]
    if not descriptions:
        return None
    for elem in _STANDFIRSTS(tree):
        text = _text(elem)
        key = _key(text)
        if len(key) > 40 and any(
            key == d or (d.endswith("…") and key.startswith(d[:-1].rstrip())) for d in descriptions
        ):
            return text
    return None


def _title_keys(titles: tuple[str, ...]) -> frozenset[str]:
    """Each title, without a site suffix (" | Site", " – Site – date") or a kicker
    ("Exclusive: ")."""
    keys = set()
    for title in titles:
        key = _key(title)
        if not key:
            continue
        keys.add(key)
        parts = _SUFFIX.split(key)
        if len(parts) > 1:
            keys.add(parts[0])
            keys.add(" ".join(parts[:-1]))
        if ": " in key:
            keys.add(key.split(": ", 1)[1])
    return frozenset(k for k in keys if len(k) > 3)


def _is_headline(key: str, titles: frozenset[str]) -> bool:
    if key in titles:
        return True
    if ": " in key and key.split(": ", 1)[1] in titles:
        return True
    return any(_SUFFIX.split(key)[0] == t for t in titles if len(t) > 15)


def _key(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split()).casefold()


def _text(elem: HtmlElement) -> str:
    return " ".join(elem.text_content().split())
