"""Dates and numbers on the public pages as the reader's language writes them: "31 January 2014" and
"1,234" in English, "31 janvier 2014" and "1 234" in French, "31 de enero de 2014" and "1 234" in Spanish
(Django's formats; the thousands separator is a no-break space)."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.utils import translation

from recommendations import services
from recommendations.models import Organisation, Recommendation

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


@pytest.fixture
def assessed(review_kaz_2010, make_recommendation):
    recommendation = make_recommendation(review_kaz_2010, "Protect human rights defenders", paragraph="97.1")
    services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=datetime.date(2014, 1, 31),
        organisation=Organisation.objects.create(name="Defenders Watch"),
        narrative="Defenders were jailed.",
    )
    return recommendation


@pytest.mark.parametrize(
    ("prefix", "date"),
    [("", "31 January 2014"), ("/fr", "31 janvier 2014"), ("/es", "31 de enero de 2014")],
)
def test_a_recommendation_page_writes_dates_in_its_language(client, assessed, prefix, date):
    body = client.get(f"{prefix}/recommendations/{assessed.pk}/").content.decode()
    assert f'<time datetime="2014-01-31">{date}</time>' in body


@pytest.fixture
def many(review_kaz_2010):
    Recommendation.objects.bulk_create(
        Recommendation(review=review_kaz_2010, text=f"Recommendation {number}") for number in range(1234)
    )


@pytest.mark.parametrize(("prefix", "total"), [("", "1,234"), ("/fr", f"1{NBSP}234"), ("/es", f"1{NBSP}234")])
def test_the_search_page_writes_counts_in_its_language(client, many, prefix, total):
    body = client.get(f"{prefix}/recommendations/?state_under_review=KAZ").content.decode()
    heading = re.search(r"<h2 id=\"results-title\" data-search-count>\s*(.*?)\s*</h2>", body, re.S)[1]
    assert heading.startswith(f"{total} ")  # "… recommendations": the plural form chosen from the number
    assert f'<span class="count">{total}<span class="visually-hidden">' in body  # the facet counts


def test_years_and_ids_stay_bare_numbers(client, many):
    with translation.override("fr"):
        assert Template("{{ year }} {{ pk }}").render(Context({"year": 2010, "pk": 12345})) == "2010 12345"


@pytest.mark.parametrize(
    ("language", "count", "expected"), [("en", 1, "1 recommendation"), ("en", 2000, "2,000 recommendations")]
)
def test_a_grouped_count_still_chooses_the_plural(language, count, expected):
    template = Template(
        "{% load i18n upr_site %}{% blocktranslate count counter=total|grouped %}{{ counter }} recommendation"
        "{% plural %}{{ counter }} recommendations{% endblocktranslate %}"
    )
    with translation.override(language):
        assert template.render(Context({"total": count})) == expected
