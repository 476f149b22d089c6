"""Which format a file is in, and which encoding a CSV file uses, read from the content.

Real UPR Info exports are Mac Roman with bare CR line endings; others are
UTF-8 (with or without BOM) or Windows-1252. Nothing in a CSV file says which,
so the encoding is inferred:

1. a BOM decides (UTF-8, UTF-16);
2. otherwise, if the whole file decodes as strict UTF-8, it is UTF-8 (a
   single-byte file with accents almost never does);
3. otherwise it is Windows-1252 or Mac Roman. Windows-1252 leaves five bytes
   undefined, so one of them rules it out. When both decode, the non-ASCII
   characters are scored in context (an accented letter inside a word, a
   curly apostrophe after a letter and a dash between spaces are plausible;
   "EquitŽ" and "Stateís" are not), and charset-normalizer, constrained to the
   two candidates, breaks ties. Unconstrained, charset-normalizer calls the
   real samples cp1250, which is why it is not asked first.

The file is read once for this, in chunks, keeping only short snippets around
non-ASCII bytes, so memory stays flat whatever the file size.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

from core.uploads import ZipLimitError, check_zip
from recommendations.imports.base import ImportFileError

UPR_INFO = "upr-info"
OHCHR_DOCX = "ohchr-docx"
TABLE = "table"
FORMATS = (UPR_INFO, OHCHR_DOCX, TABLE)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .doc / .xls

_CHUNK = 1 << 20
_MAX_SNIPPETS = 2000
_NON_ASCII = re.compile(rb"[\x80-\xff]+")
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_SINGLE_BYTE = ("cp1252", "mac_roman")


# What reading a damaged DOCX/XLSX may raise: the archive (a bad CRC, a truncated or corrupt deflate
# stream), a missing part, or XML that does not parse (lxml's and ElementTree's errors are SyntaxErrors).
DAMAGED_ARCHIVE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError, SyntaxError)


def open_zip(stream: BinaryIO) -> zipfile.ZipFile:
    """The archive, after checking its directory against the ZIP limits (uploads.check_zip), which every
    DOCX and XLSX passes through before a parser decompresses anything."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise ImportFileError(
            _("The file is a damaged or truncated ZIP archive (DOCX/XLSX): %(error)s.") % {"error": exc}
        ) from None
    try:
        check_zip(archive)
    except ZipLimitError as exc:
        raise ImportFileError(str(exc)) from None
    return archive


def undecodable(encoding: str, line: int, error: UnicodeDecodeError) -> str:
    """The message for text that stops being valid in the encoding its BOM named."""
    return _("The file is not valid %(encoding)s text near line %(line)s (%(reason)s): save it again as UTF-8.") % {
        "encoding": encoding,
        "line": line,
        "reason": error.reason,
    }


def malformed_csv(line: int, error: csv.Error) -> str:
    return _("The CSV file is malformed near line %(line)s: %(error)s.") % {"line": line, "error": error}


def peek(stream: BinaryIO, size: int) -> bytes:
    start = stream.tell()
    head = stream.read(size)
    stream.seek(start)
    return head


def read_csv_header(stream: BinaryIO, encoding: str | None = None) -> list[str]:
    """The first CSV record, decoded; ImportFileError when the file is not text."""
    encoding = encoding or detect_encoding(stream)
    with text_reader(stream, encoding) as text:
        try:
            header = next(csv.reader(text), [])
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ImportFileError(_("The file is not a readable CSV file: %(error)s.") % {"error": exc}) from None
    stream.seek(0)
    return [name.strip() for name in header]


@contextmanager
def text_reader(stream: BinaryIO, encoding: str) -> Iterator[io.TextIOWrapper]:
    """The binary stream decoded as CSV text (newline="" lets csv handle CR, LF and CRLF).

    The wrapper is detached, not closed, at the end: the caller owns the stream.
    """
    wrapper = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        yield wrapper
    finally:
        wrapper.detach()


def detect_encoding(stream: BinaryIO) -> str:
    """The Python codec name of a text file; ImportFileError for binary content. Rewinds the stream."""
    start = stream.tell()
    head = stream.read(4)
    stream.seek(start)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf8_ok, cp1252_ok, snippets = _scan(stream)
    stream.seek(start)
    if utf8_ok:
        return "utf-8"
    if not cp1252_ok:
        return "mac_roman"  # the only candidate that defines every byte
    return guess_single_byte(b"\n".join(snippets))


def _scan(stream: BinaryIO) -> tuple[bool, bool, list[bytes]]:
    """One pass: is it UTF-8, can it be Windows-1252, and snippets around its non-ASCII bytes."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = cp1252_ok = True
    snippets: list[bytes] = []
    for chunk in iter(lambda: stream.read(_CHUNK), b""):
        if b"\x00" in chunk:
            raise ImportFileError(_("The file is binary, not a CSV text file."))
        if utf8_ok:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8_ok = False
        cp1252_ok = cp1252_ok and not _CP1252_UNDEFINED.search(chunk)
        if len(snippets) < _MAX_SNIPPETS:
            snippets.extend(chunk[max(m.start() - 20, 0) : m.end() + 20] for m in _NON_ASCII.finditer(chunk))
    if utf8_ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    return utf8_ok, cp1252_ok, snippets[:_MAX_SNIPPETS]


def guess_single_byte(sample: bytes) -> str:
    """cp1252 or mac_roman for bytes that are not UTF-8 (see the module docstring)."""
    decoded = {}
    for encoding in _SINGLE_BYTE:
        try:
            decoded[encoding] = sample.decode(encoding)
        except UnicodeDecodeError:
            pass
    if len(decoded) == 1:
        return next(iter(decoded))
    scores = {encoding: plausibility(text) for encoding, text in decoded.items()}
    best = max(scores.values())
    leaders = [encoding for encoding, score in scores.items() if score == best]
    if len(leaders) == 1:
        return leaders[0]
    match = from_bytes(sample, cp_isolation=leaders).best()
    # Windows-1252 is the commoner of the two when nothing tells them apart.
    return match.encoding if match and match.encoding in leaders else "cp1252"


def plausibility(text: str) -> int:
    """How natural the non-ASCII characters of a decoded text look in their context."""
    total = 0
    for match in re.finditer(r"[^\x00-\x7f]", text):
        i = match.start()
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        total += _char_score(match.group(), prev, nxt)
    return total


def _char_score(char: str, prev: str, nxt: str) -> int:
    if char == "’":  # apostrophe after a letter, or a closing quote
        return 2 if prev.isalpha() or not nxt.isalnum() else 0
    if char in "‘“«":
        return 2 if not prev.isalnum() and nxt.isalnum() else -2
    if char in "”»":
        return 2 if not nxt.isalnum() else -2
    if char in "–—":
        return 2 if prev in " 0123456789" or nxt in " 0123456789" else 0
    if char in "…€°§":
        return 1
    if not "\u00c0" <= char <= "\u017f" or char in "×÷":
        return -2  # symbols, controls and letters outside Latin-1/Extended-A
    if unicodedata.category(char) == "Ll":
        if nxt.isupper():
            return -1
        return 2 if prev.isalpha() or nxt.isalpha() else 0
    # An accented capital starts a word; in the middle of one it is a misdecoding.
    return 1 if not prev.isalpha() and nxt.isalpha() else -2
