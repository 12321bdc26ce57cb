"""URL configuration: Django admin (scoped per user's locations), accounts, the JSON API, the
managers' pages."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from campaigns.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", api.urls),
    path("", include("campaigns.urls")),
]
