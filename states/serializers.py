from rest_framework import serializers

from states.models import Bloc, RegionalGroup, State


class LocalizedNameField(serializers.CharField):
    """A reference row's `name` as a label in the request's language, English where it has none
    (core/localized.py). Codes, slugs and numbers beside it never change with the language."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", "In the language of the request (English where there is no translation).")
        super().__init__(source="localized_name", read_only=True, **kwargs)


class StateRefSerializer(serializers.ModelSerializer):
    """A State as other resources cite it."""

    name = LocalizedNameField()

    class Meta:
        model = State
        fields = ["iso3", "name"]


class RegionalGroupRefSerializer(serializers.ModelSerializer):
    name = LocalizedNameField()

    class Meta:
        model = RegionalGroup
        fields = ["code", "name"]


class StateSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:state-detail", lookup_field="iso3")
    name = LocalizedNameField()
    regional_group = RegionalGroupRefSerializer(allow_null=True)
    blocs = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = State
        fields = ["url", "iso3", "iso2", "name", "status", "regional_group", "blocs"]


class RegionalGroupSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:regionalgroup-detail", lookup_field="code")
    name = LocalizedNameField()
    states = serializers.SlugRelatedField(slug_field="iso3", many=True, read_only=True)

    class Meta:
        model = RegionalGroup
        fields = ["url", "code", "name", "short_name", "states"]


class BlocSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:bloc-detail", lookup_field="code")
    name = LocalizedNameField()
    states = serializers.SlugRelatedField(slug_field="iso3", many=True, read_only=True)

    class Meta:
        model = Bloc
        fields = ["url", "code", "name", "states"]
