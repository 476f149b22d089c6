"""Every label an editor or a visitor reads from the models and the admin is marked for translation (issue 17).

A label given as a plain string, or left for Django to derive from a name ("created at" from created_at), stays
English whatever the reader's language: these tests name each one, so that the next field, action or column
cannot forget its gettext_lazy.
"""

from django.apps import apps
from django.contrib import admin
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from recommendations.models import ordinal, session_label

APPS = {"recommendations", "states"}


def is_historical(model) -> bool:
    """A model django-simple-history builds: its fields are copies of the tracked model's, checked there."""
    return hasattr(model, "instance_type")


def untranslatable_labels(model) -> list[str]:
    """What of the model's names, field labels, help texts and choices is not a lazy translatable string."""
    found = []
    meta = model._meta
    for option in ("verbose_name", "verbose_name_plural"):
        # Declared, not derived: Django's derived plural adds an English "s" to the translated name.
        if option not in meta.original_attrs or not isinstance(getattr(meta, option), Promise):
            found.append(f"{meta.label} Meta.{option}")
    for field in meta.get_fields():
        if field.auto_created:
            continue  # reverse relations, the implicit "ID"
        found += [f"{meta.label}.{field.name} {problem}" for problem in field_problems(field)]
    return found


def field_problems(field: models.Field) -> list[str]:
    problems = []
    if not isinstance(field.verbose_name, Promise):
        problems.append(f"verbose_name {field.verbose_name!r}")
    if field.help_text and not isinstance(field.help_text, Promise):
        problems.append(f"help_text {str(field.help_text)[:40]!r}")
    for _value, label in field.flatchoices if field.choices else ():
        if not isinstance(label, Promise):
            problems.append(f"choice {label!r}")
    return problems


def test_every_model_name_field_label_help_text_and_choice_is_translatable():
    models_checked = [
        model for app in APPS for model in apps.get_app_config(app).get_models() if not is_historical(model)
    ]
    assert len(models_checked) > 25  # all of them, not an empty loop

    problems = [problem for model in models_checked for problem in untranslatable_labels(model)]

    assert problems == []


def test_the_check_names_a_label_left_to_django_or_given_in_plain_english():
    derived = models.CharField(max_length=10)
    derived.set_attributes_from_name("response_source")
    plain = models.CharField("source", max_length=10, help_text="Where it comes from.", choices=[("a", "A")])
    plain.set_attributes_from_name("source")
    marked = models.CharField(gettext_lazy("source"), max_length=10, choices=[("a", gettext_lazy("A"))])
    marked.set_attributes_from_name("source")

    assert field_problems(derived) == ["verbose_name 'response source'"]
    assert field_problems(plain) == ["verbose_name 'source'", "help_text 'Where it comes from.'", "choice 'A'"]
    assert field_problems(marked) == []


# The admin ---------------------------------------------------------------------------------------------------


def model_admins():
    return [model_admin for model, model_admin in admin.site._registry.items() if model._meta.app_label in APPS]


def described(owner) -> list[tuple[str, object]]:
    """(name, function) of every admin action and @admin.display method of our ModelAdmin or inline classes
    (Django's own, such as the action checkbox's column, are Django's to translate)."""
    return [
        (name, function)
        for name in dir(owner)
        if callable(function := getattr(owner, name, None))
        and hasattr(function, "short_description")
        and function.__module__.partition(".")[0] in {*APPS, "core"}
    ]


def untranslatable_admin_texts(model_admin) -> list[str]:
    owner = type(model_admin).__name__
    found = []
    for action in model_admin.actions or ():
        function = getattr(model_admin, action) if isinstance(action, str) else action
        if not isinstance(getattr(function, "short_description", None), Promise):
            found.append(f"{owner} action {action}")  # without a description Django shows the English name
    for inline in model_admin.inlines:
        for option in ("verbose_name", "verbose_name_plural"):
            value = getattr(inline, option, None)
            if value is not None and not isinstance(value, Promise):  # None: the model's own, checked above
                found.append(f"{inline.__name__}.{option} {value!r}")
    for owner_class in (type(model_admin), *model_admin.inlines):
        for name, function in described(owner_class):
            if not isinstance(function.short_description, Promise):
                found.append(f"{owner_class.__name__}.{name} {function.short_description!r}")
    for list_filter in model_admin.list_filter:
        if isinstance(list_filter, type) and issubclass(list_filter, admin.SimpleListFilter):
            if not isinstance(list_filter.title, Promise):
                found.append(f"{list_filter.__name__}.title {list_filter.title!r}")
    for name in model_admin.list_display:
        function = getattr(model_admin, name, None) if isinstance(name, str) else name
        is_column_method = callable(function) and name != "__str__"
        if is_column_method and not isinstance(getattr(function, "short_description", None), Promise):
            found.append(f"{owner} column {name}")
    return found


def test_every_admin_action_column_filter_and_inline_title_is_translatable():
    admins = model_admins()
    assert len(admins) > 20
    assert sum(len(model_admin.actions or ()) for model_admin in admins) > 10

    problems = [problem for model_admin in admins for problem in untranslatable_admin_texts(model_admin)]

    assert problems == []


def test_the_admin_site_names_itself_in_the_readers_language():
    assert isinstance(admin.site.site_header, Promise)
    assert isinstance(admin.site.site_title, Promise)
    assert str(admin.site.site_header) == "UPR Tracker administration"


# Labels built from numbers -----------------------------------------------------------------------------------


def test_session_ranks_keep_their_english_endings():
    ranks = {n: ordinal(n) for n in (1, 2, 3, 4, 10, 11, 12, 13, 14, 21, 22, 23, 24, 54, 101, 111, 112, 113, 121)}

    assert ranks == {
        1: "1st",
        2: "2nd",
        3: "3rd",
        4: "4th",
        10: "10th",
        11: "11th",
        12: "12th",
        13: "13th",
        14: "14th",
        21: "21st",
        22: "22nd",
        23: "23rd",
        24: "24th",
        54: "54th",
        101: "101st",
        111: "111th",
        112: "112th",
        113: "113th",
        121: "121st",
    }
    assert session_label(7, 2010) == "7th session (2010)"
