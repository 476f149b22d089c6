"""The search words' parser alone (search/query.py): the tree it reads, and the queries it refuses."""

import pytest

from recommendations.search.query import MAX_TERMS, And, Not, Or, QueryError, Term, parse, terms


def word(text: str, *also: str) -> Term:
    return Term(text, "word", also)


def test_words_are_all_required():
    assert parse("defenders reprisals") == And((word("defenders"), word("reprisals")))


def test_quoted_phrase_is_one_term_without_other_plural_forms():
    assert parse('"women and children"') == Term("women and children", "phrase")


def test_lower_case_or_binds_looser_than_juxtaposition_as_websearch_does():
    assert parse("torture or death penalty") == Or((word("torture"), And((word("death"), word("penalty")))))


def test_upper_case_operators_and_parentheses():
    tree = parse("(women OR girls) AND NOT violence")
    assert tree == And((Or((word("women", "woman"), word("girls"))), Not(word("violence"))))


def test_minus_excludes_a_word_or_a_phrase():
    assert parse('press -"freedom of the press"') == And((word("press"), Not(Term("freedom of the press", "phrase"))))


def test_trailing_star_is_a_prefix():
    assert parse("democra*") == Term("democra", "prefix")


def test_irregular_plural_adds_the_other_form_both_ways():
    assert parse("women") == word("women", "woman")
    assert parse("child") == word("child", "children")
    assert parse("People") == word("People", "person")


def test_loose_lower_case_or_is_ignored_like_websearch():
    assert parse("or torture or") == word("torture")


def test_tsquery_syntax_is_plain_text():
    # & | ! : are no operators here: the words between them are searched, the rest dropped by the text parser.
    assert parse("a & | b") == And((word("a"), word("b")))
    assert parse("torture:A|!b") == word("torture:A|!b")


def test_nul_bytes_separate_words():
    assert parse("torture\x00death") == And((word("torture"), word("death")))


def test_blank_text_is_no_search():
    assert parse("   ") is None


def test_terms_lists_each_term_with_whether_it_is_excluded():
    found = terms(parse("a -b NOT (c OR d)"))
    assert found == [(word("a"), False), (word("b"), True), (word("c"), True), (word("d"), True)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(torture", "A parenthesis is not closed: add a ) to match each (."),
        ("torture)", "A closing parenthesis has no opening one."),
        ('"freedom of', 'A quotation mark is not closed: put a second " after the phrase.'),
        ("torture AND", "AND needs a word or phrase on each side."),
        ("OR torture", "OR needs a word or phrase on each side."),
        ("torture AND OR death", "AND needs a word or phrase on each side."),
        ("torture NOT", "NOT needs a word or phrase after it."),
        ("torture ()", "Parentheses must hold a word to look for: () is empty."),
        ("NOT torture", "Add a word to look for: a search cannot consist only of excluded words (NOT, -)."),
        ("-torture -death", "Add a word to look for: a search cannot consist only of excluded words (NOT, -)."),
        ("torture OR -death", "Add a word to look for: a search cannot consist only of excluded words (NOT, -)."),
        ("de*", "Put * at the end of a word of at least 3 letters (democra*) to find the words it starts."),
        (":*", "Put * at the end of a word of at least 3 letters (democra*) to find the words it starts."),
        ("& | !", "Add a word to look for: punctuation alone searches nothing."),
        ("((((((a))))))", "Parentheses are nested too deeply (at most 5 levels)."),
        ("a" * 201, "Search words are limited to 200 characters."),
        (" ".join(["w"] * (MAX_TERMS + 1)), "At most 16 words and phrases can be searched for at once."),
    ],
)
def test_unreadable_queries_say_why(text, message):
    with pytest.raises(QueryError) as error:
        parse(text)
    assert str(error.value) == message
