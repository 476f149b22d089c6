from rest_framework import serializers

from states.models import Bloc, RegionalGroup, State


class StateRefSerializer(serializers.ModelSerializer):
    """A State as other resources cite it."""

    class Meta:
        model = State
        fields = ["iso3", "name"]


class RegionalGroupRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegionalGroup
        fields = ["code", "name"]


class StateSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:state-detail", lookup_field="iso3")
    regional_group = RegionalGroupRefSerializer(allow_null=True)
    blocs = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = State
        fields = ["url", "iso3", "iso2", "name", "status", "regional_group", "blocs"]


class RegionalGroupSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:regionalgroup-detail", lookup_field="code")
    states = serializers.SlugRelatedField(slug_field="iso3", many=True, read_only=True)

    class Meta:
        model = RegionalGroup
        fields = ["url", "code", "name", "short_name", "states"]


class BlocSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:bloc-detail", lookup_field="code")
    states = serializers.SlugRelatedField(slug_field="iso3", many=True, read_only=True)

    class Meta:
        model = Bloc
        fields = ["url", "code", "name", "states"]
