import datetime

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from recommendations.models import DigestSent, Position, Publication, Watch
from recommendations.services.assessments import record_assessment, set_assessment_state
from recommendations.watches.digests import period_of, send_digests


def _assess(recommendation, organisation, state=Publication.PUBLISHED, narrative="Still harassed in 2013."):
    return record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=datetime.date(2014, 1, 10),
        organisation=organisation,
        narrative=narrative,
        state=state,
    )


def test_a_published_assessment_is_emailed_once_with_a_link(watch_kaz, kaz_recommendation, org_a, settings):
    settings.SITE_URL = "https://upr.example.org"
    _assess(kaz_recommendation, org_a)
    call_command("send_digests", stdout=open("/dev/null", "w"))
    call_command("send_digests", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.org"]
    assert "Assessment published: Not implemented (Defenders Watch" in message.body
    assert f"https://upr.example.org/recommendations/{kaz_recommendation.pk}/" in message.body
    html, mimetype = message.alternatives[0]
    assert (
        mimetype == "text/html" and f'href="https://upr.example.org/recommendations/{kaz_recommendation.pk}/"' in html
    )


def test_nothing_is_sent_when_nothing_changed(watch_kaz):
    outcome = send_digests(Watch.Frequency.DAILY, timezone.now())
    assert (outcome.emails, len(mail.outbox)) == (0, 0)
    # The period is recorded all the same: the next digest starts where this one ended.
    assert DigestSent.objects.get(watch=watch_kaz).changes == 0


def test_drafts_and_submissions_are_never_sent(watch_kaz, kaz_recommendation, org_a):
    _assess(kaz_recommendation, org_a, state=Publication.DRAFT, narrative="Draft text")
    _assess(kaz_recommendation, org_a, state=Publication.SUBMITTED, narrative="Submitted text")
    send_digests(Watch.Frequency.DAILY, timezone.now())
    assert mail.outbox == []


def test_an_assessment_is_sent_once_it_is_published(watch_kaz, kaz_recommendation, org_a):
    draft = _assess(kaz_recommendation, org_a, state=Publication.DRAFT)
    now = timezone.now()
    send_digests(Watch.Frequency.DAILY, now)
    set_assessment_state(assessment=draft, state=Publication.PUBLISHED)
    send_digests(Watch.Frequency.DAILY, now + datetime.timedelta(days=1))
    assert len(mail.outbox) == 1 and "Still harassed" not in mail.outbox[0].body  # the narrative stays on the site
    assert "Assessment published" in mail.outbox[0].body


def test_new_recommendations_and_responses_are_listed(
    watch_kaz, kaz_recommendation, review_kaz_2010, make_recommendation
):
    make_recommendation(review_kaz_2010, "Abolish the death penalty", paragraph="97.40")
    Position.objects.create(recommendation=kaz_recommendation, response="supported", source="A/HRC/14/10/Add.1")
    send_digests(Watch.Frequency.DAILY, timezone.now())
    body = mail.outbox[0].body
    assert "New recommendation: Kazakhstan, 97.40" in body
    assert "Response recorded: Supported" in body


def test_other_states_changes_are_not_sent(watch_kaz, review_fra_2008, make_recommendation):
    make_recommendation(review_fra_2008, "Ratify the Optional Protocol")
    send_digests(Watch.Frequency.DAILY, timezone.now())
    assert mail.outbox == []


def test_weekly_watches_are_sent_once_a_week(watch_kaz, review_kaz_2010, make_recommendation):
    make_recommendation(review_kaz_2010, "Abolish the death penalty")
    Watch.objects.filter(pk=watch_kaz.pk).update(frequency=Watch.Frequency.WEEKLY)
    now = timezone.now()
    monday = period_of(Watch.Frequency.WEEKLY, now)
    end_of_week = datetime.datetime.combine(monday + datetime.timedelta(days=6), datetime.time(23), tzinfo=datetime.UTC)
    assert send_digests(Watch.Frequency.WEEKLY, now).emails == 1
    # Something new later in the same ISO week waits for next week's digest.
    make_recommendation(review_kaz_2010, "Ratify the Optional Protocol")
    assert send_digests(Watch.Frequency.WEEKLY, end_of_week).emails == 0
    assert send_digests(Watch.Frequency.DAILY, now).emails == 0  # a weekly watch is not in daily digests
    assert period_of(Watch.Frequency.WEEKLY, end_of_week) == monday
    assert monday == now.date() - datetime.timedelta(days=now.weekday())


def test_one_email_gathers_all_of_a_users_watches(watch_kaz, reader, review_kaz_2010, make_recommendation):
    Watch.objects.create(owner=reader, kind=Watch.Kind.SEARCH, query="state_under_review=KAZ", frequency="daily")
    Watch.objects.update(created_at=watch_kaz.created_at)
    make_recommendation(review_kaz_2010, "Abolish the death penalty")
    send_digests(Watch.Frequency.DAILY, timezone.now())
    assert len(mail.outbox) == 1
    assert "== Kazakhstan ==" in mail.outbox[0].body and "== Search: state_under_review=KAZ ==" in mail.outbox[0].body


def test_digests_are_written_in_the_watchs_language(watch_kaz, review_kaz_2010, make_recommendation):
    kaz_recommendation = make_recommendation(review_kaz_2010, "Abolish the death penalty")
    Watch.objects.filter(pk=watch_kaz.pk).update(language="fr")
    send_digests(Watch.Frequency.DAILY, timezone.now())
    assert "Nouvelle recommandation" in mail.outbox[0].body
    assert f"/fr/recommendations/{kaz_recommendation.pk}/" in mail.outbox[0].body


def test_watches_switched_off_send_nothing(watch_kaz, review_kaz_2010, make_recommendation):
    make_recommendation(review_kaz_2010, "Abolish the death penalty")
    Watch.objects.filter(pk=watch_kaz.pk).update(frequency=Watch.Frequency.OFF)
    call_command("send_digests", stdout=open("/dev/null", "w"))
    assert mail.outbox == []


def test_digest_queries_do_not_grow_with_the_changes(
    watch_kaz, review_kaz_2010, make_recommendation, django_assert_num_queries
):
    for number in range(5):
        make_recommendation(review_kaz_2010, f"Recommendation {number}")
    # due watches; per watch: new recommendations, positions, assessments; savepoint, insert, release
    with django_assert_num_queries(7):
        send_digests(Watch.Frequency.DAILY, timezone.now())
    assert mail.outbox[0].body.count("New recommendation:") == 5


def test_a_saved_search_with_words_sends_only_what_it_matches(reader, review_kaz_2010, make_recommendation):
    watch = Watch.objects.create(
        owner=reader, kind=Watch.Kind.SEARCH, query="state_under_review=KAZ&q=defenders&page=3", frequency="daily"
    )
    Watch.objects.filter(pk=watch.pk).update(created_at=watch.created_at - datetime.timedelta(hours=1))
    make_recommendation(review_kaz_2010, "Protect human rights defenders", paragraph="97.60")
    make_recommendation(review_kaz_2010, "Abolish the death penalty", paragraph="97.61")
    send_digests(Watch.Frequency.DAILY, timezone.now())
    (message,) = mail.outbox
    assert "Kazakhstan, 97.60" in message.body and "97.61" not in message.body
