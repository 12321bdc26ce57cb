"""Scheduled client reports (managers only): the schedules with their next send time, a form to
create and edit one, delete and "Send a test now" (POSTs naming the schedule in the body), a
preview of the e-mail and its PDF, and the delivery log. Plus the public unsubscribe link.

Thin views over campaigns.reporting: a schedule named in a URL or a POST body is looked up in
the URL's location only (another location's is 404, or "not found" for a POST field).
"""

from __future__ import annotations

import zoneinfo
from functools import cached_property

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, ListView, TemplateView, View

from campaigns.models import ReportDelivery, ReportRecipient, ReportSchedule
from campaigns.reporting import delivery, services, unsubscribe
from campaigns.reporting.content import report_context
from campaigns.reporting.forms import ScheduleForm
from campaigns.reporting.images import report_images
from campaigns.reporting.mail import pdf_filename
from campaigns.reporting.occurrences import next_send
from campaigns.reporting.pdf import pdf_from_context
from campaigns.tenancy import ManagerRequiredMixin

#: The e-mail's HTML part, shown in a frame of the preview page: its inline styles are allowed
#: there (it is our own template) and nothing else is loaded or run.
EMAIL_PREVIEW_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.SELF],
    "sandbox": True,
}


class ReportsMixin(ManagerRequiredMixin):
    def schedules(self):
        return ReportSchedule.objects.filter(location=self.location)

    def to_list(self):
        url = reverse("campaigns:report_schedules", args=[self.location.slug])
        return HttpResponseRedirect(url)


class ScheduleFromUrlMixin(ReportsMixin):
    """The schedule of the URL's ``pk``, in the URL's location only (else 404)."""

    @cached_property
    def schedule(self) -> ReportSchedule:
        schedule = self.schedules().filter(pk=self.kwargs["pk"]).first()
        if schedule is None:
            raise Http404("No such report schedule")
        schedule.location = self.location
        return schedule


class ScheduleFromPostMixin(ReportsMixin, View):
    """A POST naming a schedule of the location in its ``schedule`` field; back to the list."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        value = request.POST.get("schedule", "")
        schedule = (
            self.schedules().filter(pk=int(value)).first()
            if value.isdigit() and len(value) < 19
            else None
        )
        if schedule is None:
            messages.error(request, "That report schedule was not found in this location.")
            return self.to_list()
        schedule.location = self.location
        return self.act(schedule)

    def act(self, schedule: ReportSchedule):
        raise NotImplementedError


class ScheduleListView(ReportsMixin, TemplateView):
    template_name = "campaigns/report_schedules.html"

    def get_context_data(self, **kwargs):
        current = Q(recipients__unsubscribed_at__isnull=True)
        schedules = list(
            self.schedules()
            .annotate(
                campaign_count=Count("campaigns", distinct=True),
                recipient_count=Count("recipients", filter=current, distinct=True),
            )
            .prefetch_related(
                Prefetch(
                    "recipients",
                    queryset=ReportRecipient.objects.select_related("user").order_by("pk"),
                )
            )
            .order_by("pk")
        )
        tz = zoneinfo.ZoneInfo(self.location.time_zone)
        now = timezone.now()
        for schedule in schedules:
            schedule.next_send = next_send(schedule, tz, now) if schedule.active else None
        kwargs.setdefault("schedules", schedules)
        return super().get_context_data(**kwargs)


class ScheduleFormMixin(ReportsMixin):
    form_class = ScheduleForm
    template_name = "campaigns/report_schedule_form.html"
    schedule = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "location": self.location, "instance": self.schedule}

    def form_valid(self, form):
        data = form.cleaned_data
        schedule = services.save_schedule(
            location=self.location,
            schedule=self.schedule,
            data=data,
            campaigns=data["campaigns"],
            members=data["members"],
            addresses=data["addresses"],
            by=self.request.user,
        )
        messages.success(self.request, f"Saved the report schedule “{schedule}”.")
        return self.to_list()


class ScheduleCreateView(ScheduleFormMixin, FormView):
    pass


class ScheduleUpdateView(ScheduleFromUrlMixin, ScheduleFormMixin, FormView):
    pass


class ScheduleDeleteView(ScheduleFromPostMixin):
    def act(self, schedule):
        services.delete_schedule(schedule)
        messages.success(self.request, f"Deleted the report schedule “{schedule}”.")
        return self.to_list()


class SendTestView(ScheduleFromPostMixin):
    """Render the schedule's report now and send it to the signed-in manager, synchronously."""

    def act(self, schedule):
        address = self.request.user.email
        if not address:
            messages.error(
                self.request,
                "Your account has no e-mail address to send the test to: add one first.",
            )
            return self.to_list()
        sent = delivery.send_test(schedule, to=address)
        if sent.status == ReportDelivery.Status.SENT:
            messages.success(
                self.request,
                f"Sent a test of “{schedule}” to {address}. It is in the delivery log.",
            )
        else:
            messages.error(
                self.request,
                f"The test of “{schedule}” could not be sent to {address}: {sent.last_error}",
            )
        return self.to_list()


class PreviewView(ScheduleFromUrlMixin, TemplateView):
    """The e-mail as it would be sent now (its HTML part in a frame) and the PDF to download."""

    template_name = "campaigns/report_preview.html"

    def get_context_data(self, **kwargs):
        period = delivery.schedule_period(self.schedule, timezone.now())
        kwargs.setdefault("schedule", self.schedule)
        kwargs.setdefault("period", period)
        kwargs.setdefault("pdf_name", pdf_filename(self.location, period))
        return super().get_context_data(**kwargs)


class PreviewContextMixin(ScheduleFromUrlMixin, View):
    http_method_names = ["get"]

    def report_context(self) -> dict:
        period = delivery.schedule_period(self.schedule, timezone.now())
        self.period = period
        return report_context(self.location, period, delivery.chosen_campaign_ids(self.schedule))


class PreviewEmailView(PreviewContextMixin):
    """The e-mail's HTML part alone, for the preview page's frame."""

    def get(self, request, *args, **kwargs):
        context = self.report_context()
        # The charts as data URIs: the frame cannot resolve the e-mail's cid: references.
        context["charts"] = [chart.in_page() for chart in report_images(context)]
        html = render_to_string("campaigns/email/report.html", context)
        response = HttpResponse(html)
        response._csp_config = EMAIL_PREVIEW_CSP
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response


class PreviewPdfView(PreviewContextMixin):
    def get(self, request, *args, **kwargs):
        pdf = pdf_from_context(self.report_context())
        response = HttpResponse(pdf, content_type="application/pdf")
        name = pdf_filename(self.location, self.period)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class DeliveryLogView(ReportsMixin, ListView):
    """Every message of the location's reports, newest first: sent, retrying or failed (why)."""

    template_name = "campaigns/report_log.html"
    context_object_name = "deliveries"
    paginate_by = 25

    def get_queryset(self):
        return (
            ReportDelivery.objects.filter(location=self.location)
            .select_related("schedule")
            .order_by("-created_at", "-pk")
        )


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """The link of a report e-mail: anyone holding it may stop that schedule's reports to that
    address, without signing in. GET shows what and a button; POST (the button, or a mail
    client's RFC 8058 one-click POST, which carries no CSRF token) unsubscribes."""

    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        try:
            self.recipient = unsubscribe.recipient_from_token(kwargs["token"])
        except unsubscribe.UnsubscribeInvalid as error:
            response = render(
                request, "campaigns/unsubscribe_invalid.html", {"reason": str(error)}, status=400
            )
        else:
            response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def page(self, **context):
        return render(
            self.request,
            "campaigns/unsubscribe.html",
            {"recipient": self.recipient, **context},
        )

    def get(self, request, *args, **kwargs):
        return self.page()

    def post(self, request, *args, **kwargs):
        if self.recipient is None:
            return self.page()
        done = unsubscribe.unsubscribe(self.recipient)
        return self.page(done=done, already=not done)


urlpatterns = [
    path("l/<slug:slug>/settings/reports/", ScheduleListView.as_view(), name="report_schedules"),
    path(
        "l/<slug:slug>/settings/reports/new/",
        ScheduleCreateView.as_view(),
        name="report_schedule_new",
    ),
    path(
        "l/<slug:slug>/settings/reports/<int:pk>/",
        ScheduleUpdateView.as_view(),
        name="report_schedule_edit",
    ),
    path(
        "l/<slug:slug>/settings/reports/<int:pk>/preview/",
        PreviewView.as_view(),
        name="report_preview",
    ),
    path(
        "l/<slug:slug>/settings/reports/<int:pk>/preview/email/",
        PreviewEmailView.as_view(),
        name="report_preview_email",
    ),
    path(
        "l/<slug:slug>/settings/reports/<int:pk>/preview/report.pdf",
        PreviewPdfView.as_view(),
        name="report_preview_pdf",
    ),
    path(
        "l/<slug:slug>/settings/reports/delete/",
        ScheduleDeleteView.as_view(),
        name="report_schedule_delete",
    ),
    path("l/<slug:slug>/settings/reports/test/", SendTestView.as_view(), name="report_test"),
    path("l/<slug:slug>/settings/reports/log/", DeliveryLogView.as_view(), name="report_log"),
    path("reports/unsubscribe/<str:token>/", UnsubscribeView.as_view(), name="report_unsubscribe"),
]
