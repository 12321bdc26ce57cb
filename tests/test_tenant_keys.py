"""Every key of a tenant table is led by its location, and a row can only name a campaign of its
own location.

Led by ``location``, the tables can later be distributed by location (Citus) unchanged: a unique
constraint or index that does not start with the distribution column cannot be kept per shard.
The tenant tables are found from the app registry (every model of the app with a ``location``
field), so a new one is checked without being listed here.
"""

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.db.models.expressions import F

from campaigns.models import Alert, Campaign, DailyMetric, FunnelStage, Location
from campaigns.tenancy import scopes_disabled
from tests.factories import CampaignFactory, DailyMetricFactory, FunnelStageFactory, LocationFactory

TENANT_MODELS = [
    model
    for model in apps.get_app_config("campaigns").get_models()
    if any(field.name == "location" for field in model._meta.concrete_fields)
]

#: Models with both a campaign and a location: their campaign must be of the same location.
CAMPAIGN_MODELS = [
    model
    for model in TENANT_MODELS
    if any(field.name == "campaign" for field in model._meta.concrete_fields)
]

#: Keys of tenant tables that are not led by location, each with its reason. Nothing else may be.
EXEMPT = {
    # A request is matched to its token by the key's hash before its location is known, so the
    # hash is unique across locations. A small table: on Citus it is a reference table (copied
    # to every node), not distributed, so the rule does not apply to it.
    ("ApiToken", ("key_hash",)): "tokens are looked up before the location is known",
    # Which locations a user may see is asked on every request, by user, before a location is
    # chosen (tenancy.locations_for). Memberships are few and not tenant data reached through a
    # scope (no ScopedManager): on Citus a reference table, like ApiToken.
    ("Membership", ("user", "location")): "a user's locations are looked up by user",
}


def model_keys(model) -> list[tuple[str, tuple[str, ...]]]:
    """(kind, fields) of every unique constraint and index the model declares."""
    meta = model._meta
    keys = []
    for field in meta.concrete_fields:
        if field.primary_key:
            continue
        if field.unique:
            keys.append(("unique field", (field.name,)))
        elif field.db_index:
            keys.append(("indexed field", (field.name,)))
    for fields in meta.unique_together:
        keys.append(("unique_together", tuple(fields)))
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            keys.append(("UniqueConstraint " + constraint.name, leading_names(constraint)))
    for index in meta.indexes:
        keys.append(("Index " + index.name, leading_names(index)))
    return keys


def leading_names(key) -> tuple[str, ...]:
    """The fields of a constraint or index, or of its expressions when they are plain fields."""
    if key.fields:
        return tuple(name.lstrip("-") for name in key.fields)
    names = []
    for expression in key.expressions:
        while not isinstance(expression, F) and expression.get_source_expressions():
            expression = expression.get_source_expressions()[0]
        names.append(expression.name if isinstance(expression, F) else repr(expression))
    return tuple(names)


def led_by_location(model, fields: tuple[str, ...]) -> bool:
    return bool(fields) and fields[0] in ("location", "location_id")


def test_the_tenant_models_are_found_from_the_registry():
    names = {model.__name__ for model in TENANT_MODELS}
    assert {"Campaign", "DailyMetric", "FunnelStage", "Alert", "ReportSchedule"} <= names
    assert "Location" not in names and "ScheduledRun" not in names
    assert {model.__name__ for model in CAMPAIGN_MODELS} == {
        "DailyMetric",
        "FunnelStage",
        "Alert",
        "AlertRuleCampaign",
        "ReportScheduleCampaign",
        "MonthlyMetric",
        "LifetimeMetric",
    }


def test_every_declared_key_of_a_tenant_model_is_led_by_location():
    wrong = []
    exempted = set()
    for model in TENANT_MODELS:
        for kind, fields in model_keys(model):
            if (model.__name__, fields) in EXEMPT:
                exempted.add((model.__name__, fields))
            elif not led_by_location(model, fields):
                wrong.append(f"{model.__name__}: {kind} on {fields}")
    assert wrong == []
    # An exemption of a key that no longer exists is removed, not left to cover a new one.
    assert exempted == set(EXEMPT)


def test_the_location_key_is_not_itself_a_single_column_index():
    # The composite keys lead with location_id and serve its lookups; a separate index on it
    # alone would be redundant.
    assert [
        model.__name__ for model in TENANT_MODELS if model._meta.get_field("location").db_index
    ] == []


def database_keys(model) -> dict[str, dict]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {name: info for name, info in constraints.items() if info["unique"] or info["index"]}


def exempt_columns() -> set[tuple[str, tuple[str, ...]]]:
    columns = set()
    for model_name, fields in EXEMPT:
        model = apps.get_model("campaigns", model_name)
        columns.add((model._meta.db_table, tuple(model._meta.get_field(f).column for f in fields)))
    return columns


@pytest.mark.django_db
def test_every_key_in_the_database_is_led_by_location_id():
    """Every unique constraint and index starts with location_id, but the primary keys (``id``
    alone) and the exemptions above."""
    wrong = []
    exempted = set()
    for model in TENANT_MODELS:
        table = model._meta.db_table
        for name, info in database_keys(model).items():
            columns = tuple(info["columns"])
            if (table, columns) in exempt_columns():
                exempted.add((table, columns))
            elif len(columns) == 1 and info["primary_key"]:
                continue
            elif columns[0] != "location_id":
                wrong.append(f"{table}.{name} on {columns}")
    assert wrong == []
    assert exempted == exempt_columns()


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("The composite campaign keys are added on PostgreSQL only (migration 0009).")


def composite_foreign_keys(model) -> list[tuple[str, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT array(
                SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                ORDER BY k.n
            ), c.confrelid::regclass::text, array(
                SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
                ORDER BY k.n
            ), c.confdeltype
            FROM pg_constraint c
            WHERE c.contype = 'f' AND c.conrelid = %s::regclass
            """,
            [model._meta.db_table],
        )
        return [
            (tuple(columns), table, tuple(referenced), on_delete)
            for columns, table, referenced, on_delete in cursor.fetchall()
            if len(columns) > 1
        ]


@pytest.mark.django_db
def test_each_campaign_table_has_the_composite_key_on_postgresql(postgresql):
    for model in CAMPAIGN_MODELS:
        assert composite_foreign_keys(model) == [
            (("location_id", "campaign_id"), "campaigns_campaign", ("location_id", "id"), "c")
        ], model.__name__


def refused(queryset, **values) -> bool:
    try:
        with transaction.atomic():
            queryset.update(**values)
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db
def test_a_day_cannot_be_moved_to_another_location_on_postgresql(postgresql):
    day = DailyMetricFactory()
    other = LocationFactory()
    with scopes_disabled():
        assert refused(DailyMetric.objects.filter(pk=day.pk), location=other)
        day.refresh_from_db()
        campaign = Campaign.objects.get(pk=day.campaign_id)
    assert day.location_id == campaign.location_id != other.pk


@pytest.mark.django_db
def test_rows_cannot_name_a_campaign_of_another_location_on_postgresql(postgresql):
    stage = FunnelStageFactory()
    foreign = CampaignFactory()
    with scopes_disabled():
        assert refused(FunnelStage.objects.filter(pk=stage.pk), campaign=foreign)
        alert = Alert.objects.create(
            location=stage.location, campaign=stage.campaign, kind="no_data", message="No data."
        )
        assert refused(Alert.objects.filter(pk=alert.pk), campaign=foreign)
        # An alert of the whole location names no campaign and is not checked.
        assert not refused(Alert.objects.filter(pk=alert.pk), campaign=None)
        # Nor can a campaign with days leave its location behind them.
        DailyMetricFactory(campaign=stage.campaign)
        assert refused(Campaign.objects.filter(pk=stage.campaign_id), location=foreign.location)


@pytest.mark.django_db(transaction=True)
def test_deleting_a_campaign_or_a_location_still_deletes_its_rows():
    """With the composite keys (on PostgreSQL, at commit as in production) deletion still works."""
    first = DailyMetricFactory()
    second = DailyMetricFactory(location=first.location, campaign__location=first.location)
    FunnelStageFactory(campaign=first.campaign)
    kept = DailyMetricFactory()
    with scopes_disabled():
        Alert.objects.create(
            location=first.location, campaign=first.campaign, kind="no_data", message="No data."
        )
        first.campaign.delete()
        assert list(DailyMetric.objects.values_list("pk", flat=True).order_by("pk")) == [
            second.pk,
            kept.pk,
        ]
        assert not FunnelStage.objects.exists() and not Alert.objects.exists()
        Location.objects.filter(pk=first.location_id).delete()
        assert list(DailyMetric.objects.values_list("pk", flat=True)) == [kept.pk]
        assert list(Campaign.objects.values_list("pk", flat=True)) == [kept.campaign_id]
