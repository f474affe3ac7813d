"""Page bytes to text for parsing: ``decode_body(bytes, content_type) -> str``.

Bytes that decode as strict UTF-8 are UTF-8; otherwise BOM, HTTP charset, meta charset, then
sniffing (w3lib). C0 control characters other than tab, newline and carriage return are dropped
from the text (the text around them is kept): lxml stops reading at a NUL, so one stray byte in a
``<head>`` would otherwise cost the whole page. :func:`looks_binary` tells a real binary blob
(an image, a PDF, an archive) from a page with a few stray control bytes in it.
"""

from __future__ import annotations

import codecs
import re

from w3lib.encoding import html_to_unicode

__all__ = ["decode_body", "looks_binary", "strip_controls"]

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]+")
_CONTROL_BYTES = frozenset(b for b in range(0x20) if b not in b"\t\n\r\x0c\x1b")
_BINARY_SNIFF = 1024
_BINARY_SHARE = 0.25  # control bytes in the sniffed start of a text page: rare, not a quarter
_UNMARKED_SHARE = 0.05  # ... and without any HTML markup, not one in twenty
_MARKUP = re.compile(rb"<(!doctype|html|head|body|meta|title|div|p|a)[\s>]", re.I)
_TEXT_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE,
              codecs.BOM_UTF16_BE)  # fmt: skip
_MAGIC = (
    b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"BZh",
    b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!", b"\x00\x00\x01\x00", b"RIFF", b"OggS", b"ID3",
    b"\x7fELF", b"MZ", b"wOFF", b"wOF2", b"\x00\x01\x00\x00", b"\xd0\xcf\x11\xe0",
)  # fmt: skip
_CP1252_BYTES = "mpnews-cp1252-bytes"


def decode_body(body: bytes, content_type: str | None) -> str:
    """Decode HTML bytes, control characters dropped. Bytes that decode as strict UTF-8 are
    UTF-8, whatever any label says (a legacy label, single- or multi-byte, on a UTF-8 page is
    the commonest lie; real text in cp1252, GB2312, Shift_JIS or EUC-KR is almost never valid
    UTF-8). Otherwise: BOM, HTTP charset, meta charset, then sniffing; in a page labelled
    utf-8 whose bytes are not all UTF-8, each stray byte is read as cp1252."""
    return strip_controls(_decode(body, content_type))


def strip_controls(text: str) -> str:
    """``text`` without C0 control characters, bar tab, newline and carriage return."""
    return _CONTROLS.sub("", text)


def looks_binary(body: bytes) -> bool:
    """Whether ``body`` is a binary file rather than a (possibly damaged) text page: a known
    file signature, a start where a quarter of the bytes are control bytes, or one in twenty
    with no HTML markup at all."""
    head = body[:_BINARY_SNIFF]
    if head.startswith(_TEXT_BOMS):
        return False
    if head.startswith(_MAGIC):
        return True
    controls = sum(1 for b in head if b in _CONTROL_BYTES)
    share = controls / len(head) if head else 0.0
    return share >= _BINARY_SHARE or (share >= _UNMARKED_SHARE and not _MARKUP.search(head))


def _decode(body: bytes, content_type: str | None) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    encoding, text = html_to_unicode(content_type, body)
    label = encoding.replace("-", "").replace("_", "").lower()
    if label in {"utf8", "ascii"} and "\ufffd" in text:
        return _cp1252(body, text)
    return text


def _cp1252(body: bytes, text: str) -> str:
    """UTF-8 where the bytes are UTF-8, cp1252 for each byte that is not (mixed pages)."""
    try:
        return body.decode("utf-8", errors=_CP1252_BYTES)
    except UnicodeDecodeError:
        return text


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error(_CP1252_BYTES, _cp1252_bytes)
