"""Names in other languages in the admin: one field per language of the site on each reference row's page, and
the translation report that lists, per language, the rows readers see in English."""

import pytest
from django.urls import reverse

from recommendations.models import SDG, Theme, ThemeScheme
from states.models import State

pytestmark = pytest.mark.django_db

REPORT = "/admin/translations/"


@pytest.fixture(autouse=True)
def _languages(settings):
    settings.LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]


@pytest.fixture
def untranslated():
    """A theme an import created: no name but the English one."""
    return Theme.objects.create(scheme=ThemeScheme.objects.get(slug="upr-info"), name="Sport and culture", slug="sport")


def test_the_report_lists_a_row_without_a_translation_with_a_link_to_it(client, editor_a, untranslated):
    client.force_login(editor_a)
    response = client.get(REPORT)
    assert response.status_code == 200
    french, spanish = response.context["languages"]
    assert (french.code, spanish.code) == ("fr", "es")
    change = reverse("admin:recommendations_theme_change", args=[untranslated.pk])
    for language in (french, spanish):
        themes = next(model for model in language.models if model.label == "Themes")
        assert themes.rows == [("Sport and culture (UPR Info issues)", change)]
        assert language.missing == 1
    assert f'href="{change}"' in response.content.decode()


def test_the_report_lists_nothing_when_every_row_has_its_names(client, editor_a):
    client.force_login(editor_a)
    french, spanish = client.get(REPORT).context["languages"]
    assert (french.missing, spanish.missing) == (0, 0)
    states = next(model for model in french.models if model.label == "States")
    assert (states.total, states.rows) == (State.objects.count(), [])


def test_a_translation_added_for_one_language_leaves_the_other_listed(client, editor_a, untranslated):
    untranslated.name_translations = {"fr": "Sport et culture"}
    untranslated.save()
    client.force_login(editor_a)
    french, spanish = client.get(REPORT).context["languages"]
    assert (french.missing, spanish.missing) == (0, 1)


def test_a_state_cldr_does_not_name_is_listed(client, editor_a):
    nowhere = State.objects.create(iso3="XZZ", iso2="XZ", name="Nowhere Land")
    client.force_login(editor_a)
    french, _spanish = client.get(REPORT).context["languages"]
    states = next(model for model in french.models if model.label == "States")
    assert states.rows == [("Nowhere Land", reverse("admin:states_state_change", args=[nowhere.pk]))]


def test_only_staff_open_the_report(client, django_user_model, untranslated):
    assert client.get(REPORT).status_code == 302  # to the admin's login
    visitor = django_user_model.objects.create_user(username="visitor", password="correct horse battery")
    client.force_login(visitor)
    response = client.get(REPORT)
    assert response.status_code == 302
    assert "Sport and culture" not in response.content.decode()


def test_the_admin_index_links_the_report(client, staff_admin):
    client.force_login(staff_admin)
    assert f'href="{REPORT}"' in client.get(reverse("admin:index")).content.decode()


def test_staff_administrators_edit_the_names_in_each_language(client, staff_admin):
    sdg = SDG.objects.get(number=16)
    url = reverse("admin:recommendations_sdg_change", args=[sdg.pk])
    client.force_login(staff_admin)
    page = client.get(url).content.decode()
    assert 'name="name_fr" value="Paix, justice et institutions efficaces"' in page
    assert 'name="name_translations"' not in page
    data = {"number": "16", "name": sdg.name, "name_fr": "  Paix et justice  ", "name_es": ""}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    sdg.refresh_from_db()
    # French changed, Spanish removed (readers see the English name), English untouched.
    assert sdg.name_translations == {"fr": "Paix et justice"}
    assert sdg.name == "Peace, Justice and Strong Institutions"


def test_a_language_the_site_does_not_offer_is_kept_when_the_form_is_saved(client, staff_admin):
    sdg = SDG.objects.get(number=1)
    sdg.name_translations = {**sdg.name_translations, "ar": "القضاء على الفقر"}
    sdg.save()
    client.force_login(staff_admin)
    url = reverse("admin:recommendations_sdg_change", args=[sdg.pk])
    response = client.post(
        url, {"number": "1", "name": sdg.name, "name_fr": "Pas de pauvreté", "name_es": "Fin de la pobreza"}
    )
    assert response.status_code == 302
    sdg.refresh_from_db()
    assert sdg.name_translations == {"fr": "Pas de pauvreté", "es": "Fin de la pobreza", "ar": "القضاء على الفقر"}


def test_a_states_page_says_which_cldr_name_a_blank_field_shows(client, staff_admin):
    client.force_login(staff_admin)
    page = client.get(reverse("admin:states_state_change", args=[State.objects.get(iso3="EGY").pk])).content.decode()
    assert "Leave blank to show CLDR's name: “Égypte”." in page
