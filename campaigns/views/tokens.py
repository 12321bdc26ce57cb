"""The API tokens settings page: a location's managers list, create and revoke its tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.views.generic import FormView, View

from campaigns import tokens
from campaigns.models import ApiToken
from campaigns.tenancy import ManagerRequiredMixin


class TokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]


class TokensView(ManagerRequiredMixin, FormView):
    """The location's tokens and a form to create one; the new secret is shown once."""

    form_class = TokenForm
    template_name = "campaigns/tokens.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "tokens", ApiToken.objects.filter(location=self.location).select_related("created_by")
        )
        kwargs.setdefault("api_url", self.request.build_absolute_uri("/api/v1/"))
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            token, secret = tokens.issue_token(
                location=self.location, name=form.cleaned_data["name"], user=self.request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        # Rendered, not redirected: the secret is never kept anywhere to show it later.
        response = TemplateResponse(
            self.request,
            "campaigns/token_created.html",
            self.get_context_data(token=token, secret=secret),
        )
        add_never_cache_headers(response)
        return response


class RevokeTokenView(ManagerRequiredMixin, View):
    """Revoke a token of the location (POST only): it stops authenticating at once."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        token = get_object_or_404(ApiToken.objects.filter(location=self.location), pk=kwargs["pk"])
        tokens.revoke_token(token)
        messages.success(request, f"Revoked the token “{token.name}” ({token.prefix}…).")
        return HttpResponseRedirect(reverse("campaigns:tokens", args=[self.location.slug]))


urlpatterns = [
    path("l/<slug:slug>/settings/tokens/", TokensView.as_view(), name="tokens"),
    path(
        "l/<slug:slug>/settings/tokens/<int:pk>/revoke/",
        RevokeTokenView.as_view(),
        name="token_revoke",
    ),
]
