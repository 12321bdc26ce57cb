"""Import batches (managers): the location's batches, a batch's page (what it changed, and
whether it can be undone) and its undo, all or nothing (campaigns.undo); an undo of more than
``IMPORT_BACKGROUND_ROWS`` days is the worker's, with a page of its progress
(campaigns.undo_jobs). Their URLs are added to the history pages' (views/history.py)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.generic import ListView, TemplateView

from campaigns import undo, undo_jobs
from campaigns.models import ImportBatch
from campaigns.tenancy import ManagerRequiredMixin
from campaigns.views.base import HtmxPartialMixin, redirect
from campaigns.views.changes import PAGE_SIZE, existing_campaigns, location_changes, rows_of

#: The box an undo needs ticked: no JavaScript confirmation.
CONFIRM = "confirm"


class BatchListView(ManagerRequiredMixin, ListView):
    """The location's import batches (files imported, API pushes), newest first."""

    template_name = "campaigns/history/batches.html"
    context_object_name = "batches"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return ImportBatch.objects.filter(location=self.location).order_by("-created_at", "-pk")


class BatchMixin:
    """The URL's batch, looked up in the request's location."""

    def get_batch(self) -> ImportBatch:
        if not hasattr(self, "batch"):
            # Through the scoped manager, in this location: another location's batch is a 404.
            self.batch = get_object_or_404(
                ImportBatch.objects.filter(location=self.location), pk=self.kwargs["pk"]
            )
        return self.batch


class BatchView(ManagerRequiredMixin, BatchMixin, ListView):
    """A batch: its summary, what it changed (paginated), and its undo (or the worker's undo
    under way), or why it is blocked."""

    template_name = "campaigns/history/batch.html"
    context_object_name = "changes"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return location_changes(self.location).filter(batch=self.get_batch())

    def get_context_data(self, **kwargs):
        batch = self.get_batch()
        context = super().get_context_data(**kwargs)
        running = undo_jobs.running_for(batch) if batch.undone_at is None else None
        blockers = undo.later_changes(batch) if batch.undone_at is None and not running else []
        conflicts = context["refused"].conflicts if "refused" in context else []
        shown = [*context["page_obj"].object_list, *blockers, *conflicts]
        context.update(
            batch=batch,
            rows=rows_of(context["page_obj"].object_list, self.location),
            blockers=rows_of(blockers, self.location),
            conflicts=rows_of(conflicts, self.location),
            existing_campaigns=existing_campaigns(shown),
            confirm=CONFIRM,
            undo_job=running,
            undo_rows=undo.rows_to_undo(batch),
            undo_in_background=undo_jobs.in_background(batch),
            undo_job_url=undo_jobs.job_url(self.location, batch.pk),
        )
        return context


class BatchUndoView(BatchView):
    """POST: undo the batch when the box is ticked; back to its page with what was undone, or
    the batch's page again with the reason it was refused (nothing changed). An undo of more
    than ``IMPORT_BACKGROUND_ROWS`` days goes to the worker, and to the page of its progress;
    so does a second request while it waits or runs."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        batch = self.get_batch()
        page = reverse("campaigns:batch", args=[self.location.slug, batch.pk])
        if undo_jobs.running_for(batch) is not None:
            return redirect(request, undo_jobs.job_url(self.location, batch.pk))
        if not request.POST.get(CONFIRM):
            messages.error(request, "Tick the box to confirm the undo: nothing was changed.")
            return redirect(request, page)
        if batch.undone_at is None and undo_jobs.in_background(batch):
            undo_jobs.start(batch, user=request.user)
            return redirect(request, undo_jobs.job_url(self.location, batch.pk))
        try:
            result = undo.undo_batch(batch, user=request.user)
        except undo.UndoRefused as refused:
            # As stored now: a batch undone meanwhile (by another tab) shows who undid it.
            self.batch = get_object_or_404(ImportBatch.objects.filter(pk=batch.pk))
            self.object_list = self.get_queryset()
            context = self.get_context_data(refused=refused)
            return self.render_to_response(context, status=409)
        messages.success(request, result.message)
        return redirect(request, page)


class BatchUndoJobView(ManagerRequiredMixin, BatchMixin, HtmxPartialMixin, TemplateView):
    """The worker's undo of a batch: its progress (the ``progress`` fragment, polled while it
    waits or runs), then its end. The state is the job's row, so a reload shows where it is; a
    batch never undone by the worker sends to the batch's page."""

    template_name = "campaigns/history/undo_job.html"
    htmx_partial = "progress"

    def get(self, request, *args, **kwargs):
        batch = self.get_batch()
        job = undo_jobs.latest_for(batch)
        if job is None:
            page = reverse("campaigns:batch", args=[self.location.slug, batch.pk])
            return redirect(request, page)
        context = self.get_context_data(
            batch=batch,
            job=job,
            progress=undo_jobs.progress_of(job),
            job_url=undo_jobs.job_url(self.location, batch.pk),
        )
        return self.render_to_response(context)


urlpatterns = [
    path("l/<slug:slug>/imports/batches/", BatchListView.as_view(), name="batches"),
    path("l/<slug:slug>/imports/batches/<int:pk>/", BatchView.as_view(), name="batch"),
    path(
        "l/<slug:slug>/imports/batches/<int:pk>/undo/",
        BatchUndoView.as_view(),
        name="batch_undo",
    ),
    path(
        "l/<slug:slug>/imports/batches/<int:pk>/undo/progress/",
        BatchUndoJobView.as_view(),
        name="batch_undo_job",
    ),
]
