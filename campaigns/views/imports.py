"""CSV import pages: upload a file, preview what it would change, commit it; and the help page.

Between the preview and the commit the uploaded bytes wait on disk (``IMPORT_STAGING_DIR``)
under a random token bound to the location and the user. The commit reads and plans them again,
since the data may have changed in between; staged files are deleted on commit and expire.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from campaigns import imports
from campaigns.models import Campaign
from campaigns.tenancy import LocationRequiredMixin, ManagerRequiredMixin
from campaigns.views.base import redirect

STAGED_MAX_AGE = timedelta(days=1)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


# --------------------------------------------------------------------------- staging


@dataclass(frozen=True)
class StagedUpload:
    token: str
    filename: str
    content: bytes


def _staging_dir() -> Path:
    return Path(settings.IMPORT_STAGING_DIR)


def stage_upload(content: bytes, *, location, user, filename: str) -> str:
    """Keep an upload until its commit; returns the token that names it."""
    folder = _staging_dir()
    folder.mkdir(parents=True, exist_ok=True)
    purge_expired()
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.csv").write_bytes(content)
    meta = {"location": location.pk, "user": user.pk, "filename": filename}
    (folder / f"{token}.json").write_text(json.dumps(meta))
    return token


def load_staged(token: str, *, location, user) -> StagedUpload | None:
    """The staged upload, if it exists, is not expired, and is this user's in this location."""
    if not _TOKEN.fullmatch(token):
        return None
    folder = _staging_dir()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        content_path = folder / f"{token}.csv"
        age = timezone.now().timestamp() - content_path.stat().st_mtime
        content = content_path.read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("location") != location.pk or meta.get("user") != user.pk:
        return None
    if age > STAGED_MAX_AGE.total_seconds():
        discard_staged(token)
        return None
    return StagedUpload(token, str(meta.get("filename", "")), content)


def discard_staged(token: str) -> None:
    if _TOKEN.fullmatch(token):
        for suffix in (".csv", ".json"):
            (_staging_dir() / f"{token}{suffix}").unlink(missing_ok=True)


def purge_expired() -> None:
    """Delete staged uploads older than STAGED_MAX_AGE (previews nobody committed)."""
    oldest = timezone.now().timestamp() - STAGED_MAX_AGE.total_seconds()
    for item in _staging_dir().glob("*"):
        try:
            if item.suffix in (".csv", ".json") and item.stat().st_mtime < oldest:
                item.unlink(missing_ok=True)
        except OSError:
            continue  # another request removed it first


# --------------------------------------------------------------------------- pages


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Our format, or a daily campaign report exported from Google Ads or Meta Ads "
        "Manager, as it comes.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(imports.too_large_message(upload.size))
        content = upload.read()
        imports.parse_csv(content)  # refuses a file that cannot be read at all, now
        self.content = content
        return upload


class ImportView(ManagerRequiredMixin, FormView):
    """Upload a file; it is staged and previewed, nothing is written yet."""

    template_name = "campaigns/import.html"
    form_class = UploadForm

    def get_context_data(self, **kwargs):
        kwargs.setdefault("max_bytes", settings.IMPORT_MAX_BYTES)
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            token = stage_upload(
                form.content,
                location=self.location,
                user=self.request.user,
                filename=form.cleaned_data["file"].name,
            )
        except OSError:
            form.add_error(None, "The file could not be kept for its preview: try again later.")
            return self.form_invalid(form)
        return redirect(
            self.request, reverse("campaigns:import_preview", args=[self.location.slug, token])
        )


class ImportPreviewView(ManagerRequiredMixin, TemplateView):
    """What the staged file would change (GET), and its commit (POST): all rows or none."""

    template_name = "campaigns/import_preview.html"

    def get(self, request, *args, **kwargs):
        staged = self.get_staged()
        if staged is None:
            return self.upload_again("This upload has expired or was already imported.")
        try:
            parsed = imports.parse_csv(staged.content)
        except imports.ImportFileError as error:
            return self.upload_again(" ".join(error.messages))
        plan = imports.plan_import(location=self.location, parsed=parsed)
        return self.render_to_response(self.get_context_data(staged=staged, plan=plan))

    def post(self, request, *args, **kwargs):
        staged = self.get_staged()
        if staged is None:
            return self.upload_again("This upload has expired or was already imported.")
        choice, channel = request.POST.get("missing", ""), request.POST.get("channel", "")
        try:
            parsed = imports.parse_csv(staged.content)
        except imports.ImportFileError as error:
            return self.upload_again(" ".join(error.messages))
        if choice == "refuse":
            discard_staged(staged.token)
            messages.info(request, f"Nothing was imported from {staged.filename}.")
            return redirect(request, reverse("campaigns:import", args=[self.location.slug]))
        try:
            result = imports.commit_import(
                location=self.location,
                parsed=parsed,
                create_missing=choice == "create",
                channel=channel,
            )
        except imports.ImportRefused as error:
            plan = error.plan or imports.plan_import(location=self.location, parsed=parsed)
            context = self.get_context_data(
                staged=staged, plan=plan, error=error.messages[0], choice=choice, channel=channel
            )
            return self.render_to_response(context)
        discard_staged(staged.token)
        messages.success(request, result.message)
        return redirect(request, reverse("campaigns:campaigns", args=[self.location.slug]))

    def get_staged(self) -> StagedUpload | None:
        return load_staged(self.kwargs["token"], location=self.location, user=self.request.user)

    def upload_again(self, reason: str):
        messages.error(self.request, f"{reason} Upload the file again.")
        return redirect(self.request, reverse("campaigns:import", args=[self.location.slug]))

    def get_context_data(self, **kwargs):
        plan = kwargs["plan"]
        kwargs.setdefault("channels", Campaign.Channel.choices)
        kwargs["channel"] = kwargs.get("channel") or plan.source.default_channel
        return super().get_context_data(**kwargs)


class ImportHelpView(LocationRequiredMixin, TemplateView):
    """How each platform's columns map to ours, and which formats are read."""

    template_name = "campaigns/import_help.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            mapping=imports.MAPPING,
            known_unused=[
                (imports.PLATFORMS[platform], names)
                for platform, names in imports.KNOWN_UNUSED.items()
            ],
            max_bytes=settings.IMPORT_MAX_BYTES,
            default_channels=[
                (imports.PLATFORMS[p], Campaign.Channel(c).label)
                for p, c in imports.DEFAULT_CHANNELS.items()
            ],
            **kwargs,
        )


urlpatterns = [
    path("l/<slug:slug>/import/", ImportView.as_view(), name="import"),
    path("l/<slug:slug>/import/help/", ImportHelpView.as_view(), name="import_help"),
    path(
        "l/<slug:slug>/import/<str:token>/",
        ImportPreviewView.as_view(),
        name="import_preview",
    ),
]
