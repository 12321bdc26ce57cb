"""Scheduled client reports in a real browser: a manager creates a weekly schedule, presses
"Send a test now", sees the success message and the test in the delivery log, and opens the
preview (the e-mail in a sandboxed frame under its own CSP). No console or CSP error anywhere."""

from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from campaigns.models import ReportDelivery, ReportSchedule
from campaigns.tenancy import scopes_disabled


def test_a_manager_schedules_a_weekly_report_and_sends_a_test(page, login, screenshots):
    get_user_model().objects.filter(username="sunrise-manager").update(
        email="manager@sunrise.example"
    )
    login(page, "sunrise-manager")
    page.goto("/l/sunrise-realty/settings/reports/")
    expect(page.get_by_role("heading", name="Scheduled reports")).to_be_visible()
    expect(page.get_by_text("No scheduled report yet.")).to_be_visible()

    page.get_by_role("link", name="New schedule").click()
    page.get_by_label("Name").fill("Weekly for the owner")
    page.get_by_label("Frequency").select_option("weekly")
    page.get_by_label("Weekday").select_option("1")
    page.get_by_label("Hour").select_option("9")
    page.get_by_label("Period").select_option("last_week")
    page.get_by_label("sunrise-manager (manager@sunrise.example)").check()
    page.get_by_label("Outside addresses").fill("owner@client.example")
    page.screenshot(path=screenshots / "report-schedule-form.png", full_page=True)
    page.get_by_role("button", name="Save schedule").click()

    expect(page.get_by_text("Saved the report schedule “Weekly for the owner”.")).to_be_visible()
    row = page.locator("#schedule-table tr", has_text="Weekly for the owner")
    expect(row).to_contain_text("Weekly, Tuesdays at 09:00")
    expect(row).to_contain_text("owner@client.example")
    expect(row).to_contain_text(" 09:00")  # the next send, in the location's time

    row.get_by_role("button", name="Send a test of Weekly for the owner now").click()
    expect(
        page.get_by_text("Sent a test of “Weekly for the owner” to manager@sunrise.example.")
    ).to_be_visible()
    # (the outbox may also hold alert e-mails to the manager: the fixtures open alerts)
    [message] = [m for m in mail.outbox if " report: " in m.subject]
    assert message.to == ["manager@sunrise.example"]
    assert message.attachments[0][2] == "application/pdf"
    page.screenshot(path=screenshots / "report-schedules.png", full_page=True)

    page.get_by_role("link", name="Delivery log").click()
    log_row = page.locator("#delivery-table tbody tr").first
    expect(log_row).to_contain_text("manager@sunrise.example")
    expect(log_row).to_contain_text("Test")
    expect(log_row).to_contain_text("Sent")
    with scopes_disabled():
        assert ReportDelivery.objects.get().is_test
        schedule = ReportSchedule.objects.get()

    page.goto(f"/l/sunrise-realty/settings/reports/{schedule.pk}/preview/")
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    frame = page.frame_locator("iframe.report-preview-frame")
    expect(frame.get_by_role("heading", name="Headline figures")).to_be_visible()
    page.wait_for_timeout(500)
    page.screenshot(path=screenshots / "report-preview.png")
