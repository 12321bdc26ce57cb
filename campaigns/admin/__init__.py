"""Django admin for data entry, registered on import (admin autodiscovery imports this package).

- tenant_data: locations, campaigns, their days and funnel counts;
- access: users, memberships, API tokens, groups and django-axes' login records;
- roles: what a membership role allows on top of the model permissions.

Every view runs in the user's tenant scope (campaigns/admin_site.py).
"""

from campaigns.admin import access, tenant_data

__all__ = ["access", "tenant_data"]
