from django.urls import reverse
from django.utils.html import escape

from recommendations.models import Watch


def test_a_reader_watches_a_search_from_the_search_page(client, reader, kaz_recommendation):
    client.force_login(reader)
    page = client.get(reverse("recommendations:search") + "?state_under_review=KAZ&q=defenders")
    assert 'name="query" value="state_under_review=KAZ&amp;q=defenders"' in page.content.decode()
    response = client.post(
        reverse("recommendations:watch-new"), {"kind": "search", "query": "state_under_review=KAZ&q=defenders"}
    )
    assert response.status_code == 302
    watch = Watch.objects.get(owner=reader)
    assert (watch.kind, watch.query, watch.frequency) == ("search", "state_under_review=KAZ&q=defenders", "weekly")
    assert watch.history.count() == 1  # audited


def test_an_invalid_search_cannot_be_watched(client, reader):
    client.force_login(reader)
    response = client.post(reverse("recommendations:watch-new"), {"kind": "search", "query": "response=maybe"})
    assert response.status_code == 400
    assert "This search cannot be watched" in response.content.decode()
    assert not Watch.objects.exists()


def test_a_watch_needs_its_target(client, reader):
    client.force_login(reader)
    for data in (
        {"kind": "state"},
        {"kind": "state", "state": "XXX"},
        {"kind": "planet"},
        {"kind": "recommendation", "recommendation": "99999999999999999999"},
    ):
        assert client.post(reverse("recommendations:watch-new"), data).status_code == 400
    assert not Watch.objects.exists()


def test_a_reader_watches_a_state_theme_and_recommendation(client, reader, kazakhstan, kaz_recommendation):
    from recommendations.models import Theme

    theme = Theme.objects.first()
    client.force_login(reader)
    for data in (
        {"kind": "state", "state": "KAZ"},
        {"kind": "theme", "theme": theme.pk},
        {"kind": "recommendation", "recommendation": kaz_recommendation.pk},
    ):
        assert client.post(reverse("recommendations:watch-new"), data).status_code == 302
    page = client.get(reverse("recommendations:my-watches")).content.decode()
    assert "Kazakhstan" in page and escape(theme.localized_name) in page and "Recommendation 97.12" in page


def test_anonymous_visitors_are_asked_to_sign_in(client, kazakhstan):
    page = client.get(reverse("states:profile", args=["KAZ"])).content.decode()
    assert "Sign in to watch" in page and "Watch this State" not in page
    response = client.post(reverse("recommendations:watch-new"), {"kind": "state", "state": "KAZ"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("recommendations:sign-in"))
    assert not Watch.objects.exists()


def test_signed_in_users_see_the_watch_button(client, reader, kazakhstan):
    client.force_login(reader)
    assert "Watch this State" in client.get(reverse("states:profile", args=["KAZ"])).content.decode()


def test_a_reader_changes_the_frequency(client, watch_kaz):
    client.force_login(watch_kaz.owner)
    client.post(reverse("recommendations:watch-update", args=[watch_kaz.pk]), {"frequency": "weekly"})
    watch_kaz.refresh_from_db()
    assert watch_kaz.frequency == "weekly"
    assert (
        client.post(reverse("recommendations:watch-update", args=[watch_kaz.pk]), {"frequency": "hourly"}).status_code
        == 400
    )


def test_no_one_sees_or_changes_another_users_watch(client, watch_kaz, other_reader, staff_admin):
    for user in (other_reader, staff_admin):
        client.force_login(user)
        assert watch_kaz.feed_token not in client.get(reverse("recommendations:my-watches")).content.decode()
        for name in ("watch-update", "watch-delete", "watch-feed-key"):
            response = client.post(reverse(f"recommendations:{name}", args=[watch_kaz.pk]), {"frequency": "off"})
            assert response.status_code == 404
    watch_kaz.refresh_from_db()
    assert watch_kaz.frequency == "daily"


def test_my_watches_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("recommendations:my-watches"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("recommendations:sign-in"))


def test_my_watches_runs_a_constant_number_of_queries(client, reader, kazakhstan, django_assert_num_queries):
    for _ in range(3):
        Watch.objects.create(owner=reader, kind="state", state=kazakhstan)
    client.force_login(reader)
    # session, user, watches with their targets, their webhooks
    with django_assert_num_queries(4):
        assert client.get(reverse("recommendations:my-watches")).status_code == 200


def test_an_account_keeps_at_most_100_watches(client, reader, kazakhstan):
    Watch.objects.bulk_create(Watch(owner=reader, kind="state", state=kazakhstan) for _ in range(100))
    client.force_login(reader)
    response = client.post(reverse("recommendations:watch-new"), {"kind": "state", "state": "KAZ"})
    assert response.status_code == 400 and "the most one account may keep" in response.content.decode()
    assert Watch.objects.count() == 100
