"""Remove what surrounds a post: family elements before extraction, whole-line leftovers after.

Tree pruning does the real work (``#respond``, ``.sharedaddy``, ``.blog-sidebar``, …); the
line rules below only catch what slipped through, and only ever match a whole line, so
"the picture of Theresa May" or "categories of care" inside a sentence stay.
"""

from __future__ import annotations

import re
import unicodedata

from lxml.html import HtmlElement

from pipeline.families import Family

__all__ = ["BOILERPLATE_LINES", "clean_text", "prune_tree"]

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
    r")$",
    re.I,
)
_SPACE = re.compile(r"[ \t\u00a0]+")


def prune_tree(tree: HtmlElement, family: Family) -> HtmlElement:
    """Drop the family's non-post elements (in place) and return the tree."""
    for node in family.prune(tree):
        parent = node.getparent()
        if parent is not None:
            node.drop_tree()
    return tree


def clean_text(text: str, *, title: str | None = None) -> str:
    """Whole-line cleanup: drop boilerplate lines, a leading copy of the title and
    immediate repeats (a caption printed twice); paragraphs joined by blank lines; Unicode
    composed (NFC), so "u" + combining diaeresis reads as "ü"."""
    kept: list[str] = []
    for raw in unicodedata.normalize("NFC", text).splitlines():
        line = _SPACE.sub(" ", raw).strip()
        if not line or BOILERPLATE_LINES.match(line):
            continue
        if kept and line == kept[-1]:
            continue
        if not kept and title and line.casefold() == title.strip().casefold():
            continue
        kept.append(line)
    return "\n\n".join(kept)
