from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaign performance"
    default_auto_field = "django.db.models.BigAutoField"


class ScopedAdminConfig(admin_apps.AdminConfig):
    """Django admin whose every view runs inside the user's tenant scope."""

    default = False
    default_site = "campaigns.admin_site.ScopedAdminSite"
