"""Django admin for data entry, registered on import (admin autodiscovery imports this package).

- tenant_data: locations, campaigns, their days and funnel counts;
- access: users, memberships, API tokens, groups and django-axes' login records;
- roles: what a membership role allows on top of the model permissions;
- alerts: alerts and custom alert rules;
- reports: report schedules and their delivery log.

Every view runs in the user's tenant scope (campaigns/admin_site.py).
"""

from campaigns.admin import access, alerts, reports, tenant_data

__all__ = ["access", "alerts", "reports", "tenant_data"]
