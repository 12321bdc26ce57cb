"""The admin site: every admin view runs inside the signed-in user's tenant scope.

Superusers see every location; other staff see only the locations they belong to, because the
tenant models' managers filter to the active scope (see campaigns.tenancy).
"""

from functools import wraps

from django.contrib import admin

from campaigns.tenancy import user_scope


class ScopedAdminSite(admin.AdminSite):
    site_header = "Campaign Performance Analytics"
    site_title = "Campaign analytics admin"
    index_title = "Data entry"

    def admin_view(self, view, cacheable=False):
        @wraps(view)
        def scoped(request, *args, **kwargs):
            with user_scope(request.user):
                response = view(request, *args, **kwargs)
                # Render inside the scope: templates may still build querysets.
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                return response

        return super().admin_view(scoped, cacheable)
