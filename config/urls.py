"""URL configuration: Django admin (scoped per user's locations) and the campaigns app."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
