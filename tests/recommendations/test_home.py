import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_lists_reviews_with_counts_and_admin_links(client, review_kaz_2010, review_fra_2008, make_recommendation):
    make_recommendation(review_kaz_2010)
    make_recommendation(review_kaz_2010, "Decriminalise defamation")
    response = client.get(reverse("recommendations:home"))
    assert response.status_code == 200
    reviews = list(response.context["reviews"])
    assert [(r.state.iso3, r.session.number, r.recommendation_count) for r in reviews] == [
        ("KAZ", 7, 2),
        ("FRA", 2, 0),
    ]
    admin_link = reverse("admin:recommendations_review_change", args=[review_kaz_2010.pk])
    assert admin_link.encode() in response.content


def test_home_query_count_does_not_grow_with_reviews(
    client, review_kaz_2010, review_fra_2008, django_assert_num_queries
):
    # One query: the reviews with their State, session and cycle joined and counts aggregated.
    with django_assert_num_queries(1):
        client.get(reverse("recommendations:home"))


def test_home_escapes_hostile_text(client, review_kaz_2010):
    review_kaz_2010.report_symbol = "<script>alert(1)</script>"
    review_kaz_2010.save()
    response = client.get(reverse("recommendations:home"))
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
