"""The search words (`q`) as a tree: one parser for the search page, the API, exports, facets and feeds.

Pure Python, no database: search/text.py turns the tree into PostgreSQL text search queries, one term at a
time (plainto_tsquery for a word, phraseto_tsquery for a "quoted phrase", to_tsquery only for a prefix, on a
lexeme reduced to letters and digits), combined with Django's `&`, `|` and `~`. Nothing the user types
reaches tsquery syntax unescaped.

Syntax (docs/api.md, the search page's tips):

- words: every word must appear (stemmed for the text's language, diacritics ignored);
- "a quoted phrase": those words, adjacent and in order;
- `or` / `OR`: either side; `AND`: both sides (as juxtaposition); `NOT` / `-word`: excluded;
- parentheses group; `NOT` binds tightest, then `AND`, then `OR` ("a b or c" is "(a AND b) OR c", as
  PostgreSQL's websearch_to_tsquery reads it);
- `word*`: any word starting with `word` (at least PREFIX_MIN_LENGTH letters);
- a word whose plural stemming cannot join (woman/women …, IRREGULAR_PLURALS) also finds the other form,
  unless it is inside quotes.

A query that cannot be read raises QueryError with a message for the user: unbalanced parentheses or
quotes, an operator without a word on each side, nothing but excluded words, too many terms.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_LENGTH = 200
MAX_TERMS = 16
MAX_DEPTH = 5
PREFIX_MIN_LENGTH = 3

# English plurals the stemmer leaves apart ("women" is not stemmed to "woman"), both ways. Short on purpose:
# each entry widens a search, and the page says so ("Also searched: women").
IRREGULAR_PLURALS = {
    "woman": "women",
    "man": "men",
    "child": "children",
    "person": "people",
    "wife": "wives",
    "life": "lives",
}
_OTHER_FORM = {**IRREGULAR_PLURALS, **{plural: singular for singular, plural in IRREGULAR_PLURALS.items()}}

_OPERATORS = {"AND", "OR", "NOT"}
_PREFIX = re.compile(r"([^\W_]+)\*+")
_WORD_BREAK = re.compile(r'[\s"()\x00]')


class QueryError(ValueError):
    """The search words cannot be read; the message says why, for the user."""


@dataclass(frozen=True)
class Term:
    """A word, a "quoted phrase" or a prefix (`kind`), with the other forms it also looks for."""

    text: str
    kind: str = "word"  # "word", "phrase" or "prefix"
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Not | And | Or


@dataclass(frozen=True)
class _Token:
    kind: str  # "term", "(", ")", "AND", "OR", "NOT", "-"
    term: Term | None = None


@functools.lru_cache(maxsize=512)
def parse(text: str) -> Node | None:
    """The tree of `text`, or None when it holds no search term at all (only spaces). Raises QueryError."""
    if len(text) > MAX_LENGTH:
        raise QueryError(_("Search words are limited to %(max)d characters.") % {"max": MAX_LENGTH})
    tokens = _tokens(text)
    if not tokens:
        if text.strip():
            raise QueryError(_("Add a word to look for: punctuation alone searches nothing."))
        return None
    terms = sum(token.kind == "term" for token in tokens)
    if terms > MAX_TERMS:
        message = ngettext(
            "At most %(max)d word or phrase can be searched for at once.",
            "At most %(max)d words and phrases can be searched for at once.",
            MAX_TERMS,
        )
        raise QueryError(message % {"max": MAX_TERMS})
    node = _Parser(tokens).parse()
    if not _finds_something(node):
        raise QueryError(_("Add a word to look for: a search cannot consist only of excluded words (NOT, -)."))
    return node


def terms(node: Node | None, *, negated: bool = False) -> list[tuple[Term, bool]]:
    """Every term of the tree, in order, with whether it is excluded."""
    if node is None:
        return []
    if isinstance(node, Term):
        return [(node, negated)]
    if isinstance(node, Not):
        return terms(node.child, negated=not negated)
    return [found for child in node.children for found in terms(child, negated=negated)]


def _finds_something(node: Node) -> bool:
    """False when the query could only match by exclusion ("NOT a", "a OR -b"): every text but a few."""
    if isinstance(node, Term):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_finds_something(child) for child in node.children)
    return all(_finds_something(child) for child in node.children)


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char.isspace() or char == "\x00":
            position += 1
        elif char == '"':
            end = text.find('"', position + 1)
            if end < 0:
                raise QueryError(_('A quotation mark is not closed: put a second " after the phrase.'))
            phrase = " ".join(text[position + 1 : end].split())
            if phrase:
                tokens.append(_Token("term", Term(phrase, "phrase")))
            position = end + 1
        elif char in "()":
            tokens.append(_Token(char))
            position += 1
        elif char == "-" and text[position + 1 : position + 2] in {'"', "("}:
            tokens.append(_Token("-"))  # -"a phrase", -(a group)
            position += 1
        else:
            match = _WORD_BREAK.search(text, position)
            end = match.start() if match else len(text)
            tokens.extend(_word_tokens(text[position:end]))
            position = end
    return tokens


def _word_tokens(word: str) -> list[_Token]:
    """A run of text without spaces, quotes or parentheses: an operator, `-` before a term, or a term."""
    if word in _OPERATORS:
        return [_Token(word)]
    if word == "or":
        return [_Token("or")]  # web-search "or": an operator between terms, ignored where it joins nothing
    if word.startswith("-") and word.strip("-"):
        return [_Token("-"), *_word_tokens(word.lstrip("-"))]
    if word.endswith("*"):
        return [_Token("term", _prefix(word))]
    if not any(char.isalnum() for char in word):
        return []  # punctuation alone ("-", "&", ":*") searches nothing, as the text parser would skip it
    other = _OTHER_FORM.get(word.lower())
    return [_Token("term", Term(word, "word", (other,) if other else ()))]


def _prefix(word: str) -> Term:
    match = _PREFIX.fullmatch(word)
    if not match or len(match.group(1)) < PREFIX_MIN_LENGTH:
        message = _("Put * at the end of a word of at least %(min)d letters (democra*) to find the words it starts.")
        raise QueryError(message % {"min": PREFIX_MIN_LENGTH})
    return Term(match.group(1), "prefix")


class _Parser:
    """Recursive descent over the tokens: or_expr := and_expr (OR and_expr)*; and_expr := unary ([AND] unary)*;
    unary := NOT unary | - unary | ( or_expr ) | term."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = _drop_loose_or(tokens)
        self.position = 0
        self.depth = 0

    def parse(self) -> Node:
        if not self.tokens:
            raise QueryError(_("Add a word to look for."))
        node = self._or()
        if self._peek() == ")":
            raise QueryError(_("A closing parenthesis has no opening one."))
        return node

    def _peek(self) -> str | None:
        return self.tokens[self.position].kind if self.position < len(self.tokens) else None

    def _next(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def _or(self) -> Node:
        children = [self._and()]
        while self._peek() in {"OR", "or"}:
            self._next()
            children.append(self._and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def _and(self) -> Node:
        children = [self._unary()]
        while self._peek() not in {None, ")", "OR", "or"}:
            if self._peek() == "AND":
                self._next()
            children.append(self._unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def _unary(self) -> Node:
        kind = self._peek()
        if kind is None or kind in {")", "AND", "OR", "or"}:
            raise QueryError(self._missing_word())
        token = self._next()
        if kind in {"NOT", "-"}:
            return Not(self._unary())
        if kind == "(":
            return self._group()
        return token.term

    def _group(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(_("Parentheses are nested too deeply (at most %(max)d levels).") % {"max": MAX_DEPTH})
        if self._peek() == ")":
            raise QueryError(_("Parentheses must hold a word to look for: () is empty."))
        node = self._or()
        if self._peek() != ")":
            raise QueryError(_("A parenthesis is not closed: add a ) to match each (."))
        self._next()
        self.depth -= 1
        return node

    def _missing_word(self) -> str:
        previous = self.tokens[self.position - 1].kind if self.position else None
        operator = previous if previous in {"AND", "OR", "NOT", "or"} else self._peek()
        if operator == "NOT":
            return _("NOT needs a word or phrase after it.")
        if operator in {"AND", "OR", "or"}:
            return _("%(operator)s needs a word or phrase on each side.") % {"operator": operator.upper()}
        if previous == "(":
            return _("Parentheses must hold a word to look for: () is empty.")
        return _("Add a word to look for.")


def _drop_loose_or(tokens: list[_Token]) -> list[_Token]:
    """Lower-case "or" where it joins nothing (first, last, next to another operator) is dropped, as
    websearch_to_tsquery does; upper-case OR there is an error the user is told about."""
    kept: list[_Token] = []
    for index, token in enumerate(tokens):
        if token.kind == "or":
            before = kept[-1].kind if kept else None
            after = tokens[index + 1].kind if index + 1 < len(tokens) else None
            if before not in {"term", ")"} or after not in {"term", "(", "-", "NOT"}:
                continue
        kept.append(token)
    return kept
