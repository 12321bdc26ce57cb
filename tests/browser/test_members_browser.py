"""Client access in a real browser (issue 9): a manager invites someone by e-mail, the invited
person follows the e-mailed link in their own browser, sets a password and lands on the
overview as a viewer; the manager then makes them a manager and removes them."""

import re

from django.core import mail
from playwright.sync_api import expect

from campaigns.models import Membership

LINK = re.compile(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)")
NEW_PASSWORD = "a-long-new-pass-2026"


def test_a_manager_invites_someone_who_joins_then_changes_their_role_and_removes_them(
    page, login, browser, live_server, screenshots
):
    login(page, "sunrise-manager")
    page.locator("summary", has_text="sunrise-manager").click()
    page.get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", name="Members", exact=True)).to_be_visible()

    page.get_by_label("E-mail").fill("new.person@example.com")
    page.locator("#id_role").select_option("viewer")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to new.person@example.com (viewer).")).to_be_visible()
    expect(page.locator("#invitation-table")).to_contain_text("new.person@example.com")

    # (the outbox may also hold alert e-mails to the managers: the fixtures open alerts)
    [message] = [m for m in mail.outbox if m.to == ["new.person@example.com"]]
    assert "invit" in message.subject.lower()
    link = LINK.search(message.body).group(1)

    # The invited person, in a browser of their own.
    guest_context = browser.new_context(base_url=live_server.url)
    guest = guest_context.new_page()
    errors = []
    guest.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    guest.on("pageerror", lambda error: errors.append(str(error)))
    try:
        guest.goto(link)
        expect(guest.get_by_role("heading", name="Join Sunrise Realty")).to_be_visible()
        expect(guest.get_by_label("Username")).to_have_value("new.person")
        guest.locator("#id_new_password1").fill(NEW_PASSWORD)
        guest.locator("#id_new_password2").fill(NEW_PASSWORD)
        guest.get_by_role("button", name="Join Sunrise Realty").click()
        guest.wait_for_url(f"{live_server.url}/l/sunrise-realty/")
        welcome = guest.get_by_text("Welcome to Sunrise Realty: you are a viewer here.")
        expect(welcome).to_be_visible()
        guest.locator("summary", has_text="new.person").click()
        expect(guest.get_by_text("Viewer of Sunrise Realty")).to_be_visible()
        expect(guest.get_by_role("link", name="Members")).to_have_count(0)
    finally:
        guest_context.close()
    assert not errors, errors

    # The manager sees the new member, makes them a manager, then removes them.
    page.reload()
    row = page.locator("#member-table tr", has_text="new.person")
    expect(row).to_contain_text("new.person@example.com")
    expect(page.get_by_text("No pending invitation.")).to_be_visible()
    page.get_by_label("Role of new.person", exact=True).select_option("manager")
    page.get_by_role("button", name="Change the role of new.person").click()
    expect(page.get_by_text("new.person is now a Manager.")).to_be_visible()
    assert Membership.objects.get(user__username="new.person").role == "manager"
    page.screenshot(path=screenshots / "members.png", full_page=True)

    page.get_by_role("button", name="Remove new.person").click()
    expect(page.get_by_text("Removed new.person from Sunrise Realty.")).to_be_visible()
    expect(page.locator("#member-table")).not_to_contain_text("new.person")
    assert not Membership.objects.filter(user__username="new.person").exists()
