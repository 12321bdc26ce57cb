"""CSV import pages: upload a file, preview what it would change, commit it; and the help page.

Between the preview and the commit the uploaded file waits on disk (``campaigns.imports.staging``)
under a random token bound to the location and the user, with the preview made at upload: viewing
it reads no file. The commit reads and plans the file again, since the data may have changed in
between; staged files are deleted on commit or cancel, and expire.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.views.generic import FormView, TemplateView

from campaigns import imports
from campaigns.imports import staging
from campaigns.imports.preview import Preview
from campaigns.models import Campaign
from campaigns.tenancy import LocationRequiredMixin, ManagerRequiredMixin
from campaigns.views.base import redirect


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
        return upload


def stage_and_preview(upload, *, location, user) -> staging.StagedUpload:
    """Stage an upload, read and plan it once, and keep its preview beside it. Raises
    ImportFileError (nothing kept) or StagingFull."""
    staged = staging.stage_upload(
        upload.chunks(), location=location, user=user, filename=upload.name
    )
    try:
        with staged.open() as file:
            parsed = imports.read_csv(file)
        staged.save_preview(Preview.of(imports.plan_import(location=location, parsed=parsed)))
    except Exception:
        staging.discard_staged(staged.token)
        raise
    return staged


class ImportView(ManagerRequiredMixin, FormView):
    """Upload a file; it is staged and previewed, nothing is written yet."""

    template_name = "campaigns/import.html"
    form_class = UploadForm

    def get_context_data(self, **kwargs):
        kwargs.setdefault("max_bytes", settings.IMPORT_MAX_BYTES)
        kwargs.setdefault("max_rows", f"{imports.max_rows():,}")
        kwargs.setdefault(
            "waiting",
            [
                s
                for s in staging.all_staged()
                if s.user_id == self.request.user.pk and s.location_id == self.location.pk
            ],
        )
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            staged = stage_and_preview(
                form.cleaned_data["file"], location=self.location, user=self.request.user
            )
        except (imports.ImportFileError, staging.StagingFull) as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        except OSError:
            form.add_error(None, "The file could not be kept for its preview: try again later.")
            return self.form_invalid(form)
        return redirect(
            self.request,
            reverse("campaigns:import_preview", args=[self.location.slug, staged.token]),
        )


class ImportPreviewView(ManagerRequiredMixin, TemplateView):
    """What the staged file would change (GET), and its commit (POST): all rows or none."""

    template_name = "campaigns/import_preview.html"

    def get(self, request, *args, **kwargs):
        staged = self.get_staged()
        if staged is None:
            return self.upload_again("This upload has expired or was already imported.")
        preview = staged.load_preview()
        if preview is None:  # kept by an older version, or damaged: made again, once
            try:
                preview = self.plan_again(staged)
            except imports.ImportFileError as error:
                return self.upload_again(" ".join(error.messages))
        return self.render_to_response(self.get_context_data(staged=staged, preview=preview))

    def post(self, request, *args, **kwargs):
        staged = self.get_staged()
        if staged is None:
            return self.upload_again("This upload has expired or was already imported.")
        choice, channel = request.POST.get("missing", ""), request.POST.get("channel", "")
        if choice == "refuse":
            staging.discard_staged(staged.token)
            messages.info(request, f"Nothing was imported from {staged.filename}.")
            return redirect(request, reverse("campaigns:import", args=[self.location.slug]))
        try:
            with staged.open() as file:
                parsed = imports.read_csv(file)
            result = imports.commit_import(
                location=self.location,
                parsed=parsed,
                create_missing=choice == "create",
                channel=channel,
            )
        except (imports.ImportFileError, OSError) as error:
            return self.upload_again(" ".join(getattr(error, "messages", [])))
        except imports.ImportRefused as error:
            plan = error.plan or imports.plan_import(location=self.location, parsed=parsed)
            preview = Preview.of(plan)
            staged.save_preview(preview)
            context = self.get_context_data(
                staged=staged,
                preview=preview,
                error=error.messages[0],
                choice=choice,
                channel=channel,
            )
            return self.render_to_response(context)
        staging.discard_staged(staged.token)
        messages.success(request, result.message)
        return redirect(request, reverse("campaigns:campaigns", args=[self.location.slug]))

    def plan_again(self, staged: staging.StagedUpload) -> Preview:
        with staged.open() as file:
            parsed = imports.read_csv(file)
        preview = Preview.of(imports.plan_import(location=self.location, parsed=parsed))
        staged.save_preview(preview)
        return preview

    def get_staged(self) -> staging.StagedUpload | None:
        return staging.load_staged(
            self.kwargs["token"], location=self.location, user=self.request.user
        )

    def upload_again(self, reason: str):
        messages.error(self.request, f"{reason} Upload the file again.")
        return redirect(self.request, reverse("campaigns:import", args=[self.location.slug]))

    def get_context_data(self, **kwargs):
        preview = kwargs["preview"]
        kwargs.setdefault("channels", Campaign.Channel.choices)
        kwargs["channel"] = kwargs.get("channel") or preview.default_channel
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
            max_rows=f"{imports.max_rows():,}",
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
