"""CSV import pages: upload a file, preview what it would change, commit it; and the help page.

Between the preview and the commit the uploaded file waits on disk (``campaigns.imports.staging``)
under a random token bound to the location and the user, with the preview made at upload: viewing
it reads no file. The commit reads and plans the file again, since the data may have changed in
between; staged files are deleted on commit or cancel, and expire. A file of more than
``IMPORT_BACKGROUND_ROWS`` lines is read and committed by the worker instead
(``campaigns.imports.jobs``): its page shows the progress until the preview, and after the commit.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.views.generic import FormView, TemplateView, View

from campaigns import exports, imports
from campaigns.imports import jobs, staging
from campaigns.imports.creating import PAST_CAMPAIGN_DAYS
from campaigns.imports.preview import Preview
from campaigns.models import Campaign, DailyMetric, ImportJob
from campaigns.tenancy import LocationRequiredMixin, ManagerRequiredMixin
from campaigns.views.base import HtmxPartialMixin, redirect


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


def stage_and_preview(upload, *, location, user) -> tuple[staging.StagedUpload, bool]:
    """Stage an upload, read and plan it once, and keep its preview beside it; or, for a large
    file, hand its reading to the worker. Returns the staged upload and whether it went to the
    worker. Raises ImportFileError (nothing kept) or StagingFull."""
    staged = staging.stage_upload(
        upload.chunks(), location=location, user=user, filename=upload.name
    )
    try:
        if jobs.in_background(staged):
            jobs.start_reading(staged, location=location, user=user)
            return staged, True
        with staged.open() as file:
            parsed = imports.read_csv(file)
        staged.save_preview(Preview.of(imports.plan_import(location=location, parsed=parsed)))
    except Exception:
        staging.discard_staged(staged.token)
        raise
    return staged, False


class ImportView(ManagerRequiredMixin, FormView):
    """Upload a file; it is staged and previewed, nothing is written yet."""

    template_name = "campaigns/import.html"
    form_class = UploadForm

    def get_context_data(self, **kwargs):
        kwargs.setdefault("max_bytes", settings.IMPORT_MAX_BYTES)
        kwargs.setdefault("max_rows", f"{imports.max_rows():,}")
        kwargs.setdefault("background_rows", f"{jobs.background_rows():,}")
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
            staged, in_background = stage_and_preview(
                form.cleaned_data["file"], location=self.location, user=self.request.user
            )
        except (imports.ImportFileError, staging.StagingFull) as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        except OSError:
            form.add_error(None, "The file could not be kept for its preview: try again later.")
            return self.form_invalid(form)
        page = "campaigns:import_job" if in_background else "campaigns:import_preview"
        return redirect(self.request, reverse(page, args=[self.location.slug, staged.token]))


class ImportPreviewView(ManagerRequiredMixin, TemplateView):
    """What the staged file would change (GET), and its commit (POST): all rows or none."""

    template_name = "campaigns/import_preview.html"

    def get(self, request, *args, **kwargs):
        job = self.get_job()
        if job is not None and job.state != ImportJob.State.PREVIEWED:
            return self.to_job()
        staged = self.get_staged()
        if staged is None:
            return self.upload_again("This upload has expired or was already imported.")
        preview = staged.load_preview()
        if preview is None:  # kept by an older version, or damaged: made again, once
            try:
                preview = self.plan_again(staged)
            except imports.ImportFileError as error:
                return self.upload_again(" ".join(error.messages))
        context = self.get_context_data(staged=staged, preview=preview, job=job)
        return self.render_to_response(context)

    def post(self, request, *args, **kwargs):
        job = self.get_job()
        if job is not None and job.state != ImportJob.State.PREVIEWED:
            return self.to_job()
        staged = self.get_staged()
        if staged is None:
            return self.upload_again("This upload has expired or was already imported.")
        choice, channel = request.POST.get("missing", ""), request.POST.get("channel", "")
        if choice == "refuse":
            staging.discard_staged(staged.token)
            jobs.cancel(staged.token, location=self.location, user=request.user)
            messages.info(request, f"Nothing was imported from {staged.filename}.")
            return redirect(request, reverse("campaigns:import", args=[self.location.slug]))
        if job is not None:
            return self.commit_in_background(job, staged, choice=choice, channel=channel)
        try:
            with staged.open() as file:
                parsed = imports.read_csv(file)
            result = imports.commit_import(
                location=self.location,
                parsed=parsed,
                create_missing=choice == "create",
                channel=channel,
                file_name=staged.filename,
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
        messages.success(request, result_notice(self.location, result))
        return redirect(request, reverse("campaigns:campaigns", args=[self.location.slug]))

    def commit_in_background(self, job, staged, *, choice: str, channel: str):
        """A large file's commit goes to the worker; what the worker would refuse at once (no
        choice made for the campaigns not found, or no channel for them) is asked here first."""
        preview = staged.load_preview()
        missing = preview.counts["missing"] if preview else 0
        error = ""
        if missing and choice != "create":
            error = "Choose whether to create the campaigns not found, or refuse the import."
        elif missing and not (channel or preview.default_channel):
            error = "Choose the channel of the campaigns to create."
        if error and preview is not None:
            context = self.get_context_data(
                staged=staged, preview=preview, job=job, error=error, choice=choice
            )
            return self.render_to_response(context)
        jobs.start_commit(job, create_missing=choice == "create", channel=channel)
        return self.to_job()

    def get_job(self):
        return jobs.job_for(self.kwargs["token"], location=self.location, user=self.request.user)

    def to_job(self):
        url = reverse("campaigns:import_job", args=[self.location.slug, self.kwargs["token"]])
        return redirect(self.request, url)

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


class ImportJobView(ManagerRequiredMixin, HtmxPartialMixin, TemplateView):
    """A large import done by the worker: its progress (the ``progress`` fragment, polled while
    the worker is at it), then its preview (a redirect) or its end. The state is the job's row,
    so a reload shows where it is."""

    template_name = "campaigns/import_job.html"
    htmx_partial = "progress"

    def get(self, request, *args, **kwargs):
        token = self.kwargs["token"]
        job = jobs.job_for(token, location=self.location, user=request.user)
        if job is None or job.state == ImportJob.State.PREVIEWED:
            if staging.load_staged(token, location=self.location, user=request.user) is None:
                raise Http404("No such import")
            # Read inline (a small file), or read by the worker: its preview.
            url = reverse("campaigns:import_preview", args=[self.location.slug, token])
            return redirect(request, url)
        context = self.get_context_data(job=job, batch_url=jobs.batch_url(self.location, job.batch))
        return self.render_to_response(context)


def result_notice(location, result) -> str:
    """A commit's result, with a link to its batch's page when there is one."""
    url = jobs.batch_url(location, result.batch)
    if url is None:
        return result.message
    return format_html('{} <a href="{}">See what it changed</a>.', result.message, url)


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
            past_days=PAST_CAMPAIGN_DAYS,
            default_channels=[
                (imports.PLATFORMS[p], Campaign.Channel(c).label)
                for p, c in imports.DEFAULT_CHANNELS.items()
            ],
            **kwargs,
        )


#: The columns of our import format, in the order the template writes them.
TEMPLATE_COLUMNS = ("date", "campaign", *DailyMetric.NUMBER_FIELDS)
#: The template's numbers for a campaign with no recorded day yet (hot <= qualified <= leads).
TEMPLATE_EXAMPLE = {
    "impressions": 2400,
    "clicks": 120,
    "leads": 28,
    "qualified_leads": 7,
    "hot_leads": 2,
    "conversions": 3,
    "revenue": "4200.00",
    "spend": "1250.00",
}


def template_rows(location) -> list[list[str]]:
    """Two example rows of our format naming the location's campaigns, on days they can take.

    A campaign with recorded days gives its latest day as recorded, so the template uploaded
    as it is previews with no refused row and changes nothing; one without gives its first
    day (not in the future) with example numbers. Only campaigns that have started, active
    ones first; a location without one gets a row naming an example campaign (the preview
    offers to create it). Names are defused for spreadsheets (the reader strips the
    apostrophe again). Must run inside the location's scope.
    """
    today = location.today()
    started = Campaign.objects.for_location(location).filter(start_date__lte=today)
    started = sorted(started, key=lambda c: (c.status != Campaign.Status.ACTIVE, c.name))
    rows = []
    for campaign in started[:2]:
        recorded = DailyMetric.objects.filter(campaign=campaign).order_by("-date").first()
        if recorded is not None:
            values = {field: getattr(recorded, field) for field in DailyMetric.NUMBER_FIELDS}
            day = recorded.date
        else:
            values, day = TEMPLATE_EXAMPLE, campaign.start_date
        rows.append(
            [exports.day(day), exports.text(campaign.name)]
            + [str(values[field]) for field in DailyMetric.NUMBER_FIELDS]
        )
    if not rows:
        rows.append(
            [exports.day(today), "Example campaign"]
            + [str(TEMPLATE_EXAMPLE[field]) for field in DailyMetric.NUMBER_FIELDS]
        )
    return rows


class ImportTemplateView(LocationRequiredMixin, View):
    """A CSV in our import format: the header and two example rows for this location."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            content_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": content_disposition_header(
                    True, f"{self.location.slug}-import-template.csv"
                )
            },
        )
        writer = exports.writer_for(response)
        writer.writerow(TEMPLATE_COLUMNS)
        for row in template_rows(self.location):
            writer.writerow(row)
        return response


urlpatterns = [
    path("l/<slug:slug>/import/", ImportView.as_view(), name="import"),
    path(
        "l/<slug:slug>/import/template.csv",
        ImportTemplateView.as_view(),
        name="import_template",
    ),
    path("l/<slug:slug>/import/help/", ImportHelpView.as_view(), name="import_help"),
    path(
        "l/<slug:slug>/import/<str:token>/",
        ImportPreviewView.as_view(),
        name="import_preview",
    ),
    path(
        "l/<slug:slug>/import/<str:token>/progress/",
        ImportJobView.as_view(),
        name="import_job",
    ),
]
