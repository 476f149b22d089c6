import datetime

from django.urls import reverse

from recommendations.models import Publication
from recommendations.services.assessments import record_assessment


def _feed(watch):
    return reverse("recommendations:watch-feed", args=[watch.feed_token])


def _assess(recommendation, organisation, state):
    return record_assessment(
        recommendation=recommendation,
        status="partially_implemented",
        assessed_on=datetime.date(2015, 3, 1),
        organisation=organisation,
        state=state,
    )


def test_the_feed_lists_published_assessments_only(client, watch_kaz, kaz_recommendation, org_a, org_b):
    _assess(kaz_recommendation, org_a, Publication.PUBLISHED)
    _assess(kaz_recommendation, org_b, Publication.DRAFT)
    response = client.get(_feed(watch_kaz))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("urn:upr-tracker:assessment:") == 1  # the draft is not there
    assert "Assessment published: Partially implemented, Kazakhstan, 97.12" in body
    assert f"/recommendations/{kaz_recommendation.pk}/" in body


def test_a_wrong_token_is_a_404(client, watch_kaz):
    assert client.get(reverse("recommendations:watch-feed", args=["not-the-key"])).status_code == 404


def test_a_regenerated_key_retires_the_old_address(client, watch_kaz):
    old = _feed(watch_kaz)
    client.force_login(watch_kaz.owner)
    response = client.post(reverse("recommendations:watch-feed-key", args=[watch_kaz.pk]))
    assert response.status_code == 302
    watch_kaz.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(_feed(watch_kaz)).status_code == 200


def test_a_deleted_watch_has_no_feed(client, watch_kaz):
    address = _feed(watch_kaz)
    client.force_login(watch_kaz.owner)
    client.post(reverse("recommendations:watch-delete", args=[watch_kaz.pk]))
    assert client.get(address).status_code == 404


def test_the_feed_key_is_not_kept_in_the_history(watch_kaz):
    assert not hasattr(watch_kaz.history.first(), "feed_token")
