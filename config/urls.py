"""URL configuration: Django admin (scoped per user's locations) and the campaigns app."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    # Until the managers' pages exist, the site's front door is the admin.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
