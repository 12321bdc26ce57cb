# Composite campaign keys on PostgreSQL (issue 11, item 6): a row that names a campaign and a
# location can only name a campaign of that same location. The database refuses, e.g., a day
# moved to another location while its campaign stays.
#
# Campaign gets UNIQUE (location_id, id) (led by location, like every key of a tenant table, so
# it is valid on Citus when the tables are distributed by location), and each table with both
# a campaign and a location gets FOREIGN KEY (location_id, campaign_id) REFERENCES
# campaigns_campaign (location_id, id) ON DELETE CASCADE, like its single-column key. The
# default MATCH SIMPLE skips a row whose campaign is NULL (an alert of the whole location).
#
# PostgreSQL only: SQLite cannot add a foreign key to an existing table. The tables are named
# here as they are now; tests/test_tenant_keys.py finds every model with both fields from the
# registry and fails when a new one lacks the key.

from django.db import migrations

CAMPAIGN_TABLE = "campaigns_campaign"
CAMPAIGN_KEY = "campaign_location_id_key"
TABLES = [
    "campaigns_dailymetric",
    "campaigns_funnelstage",
    "campaigns_alert",
    "campaigns_alertrulecampaign",
    "campaigns_reportschedulecampaign",
]


def foreign_key_name(table: str) -> str:
    return f"{table}_campaign_same_location"


def add_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {CAMPAIGN_TABLE} ADD CONSTRAINT {CAMPAIGN_KEY} UNIQUE (location_id, id)"
    )
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {foreign_key_name(table)} "
            f"FOREIGN KEY (location_id, campaign_id) "
            f"REFERENCES {CAMPAIGN_TABLE} (location_id, id) ON DELETE CASCADE"
        )


def drop_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {foreign_key_name(table)}")
    schema_editor.execute(f"ALTER TABLE {CAMPAIGN_TABLE} DROP CONSTRAINT {CAMPAIGN_KEY}")


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0008_alert_rules"),
    ]

    operations = [
        migrations.RunPython(add_keys, drop_keys, elidable=False),
    ]
