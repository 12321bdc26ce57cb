from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaign performance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from campaigns import (
            console_mail,  # noqa: F401 (registers its deploy check)
            versions,
        )

        versions.connect()

        from django.db.models.signals import post_migrate

        from campaigns import db_stats

        # Every migrate (every deployment) refreshes the planner's statistics.
        post_migrate.connect(db_stats.after_migrate, sender=self)


class ScopedAdminConfig(admin_apps.AdminConfig):
    """Django admin whose every view runs inside the user's tenant scope."""

    default = False
    default_site = "campaigns.admin_site.ScopedAdminSite"
