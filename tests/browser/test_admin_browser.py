"""The Django admin in a real browser (issue 8): a staff manager saves a campaign of any length
and finds its days through a link; a staff viewer of the same location sees the campaign read-only
and only the people of its own location."""

from django.contrib.auth.models import Permission
from django.db.models import Q
from playwright.sync_api import Page, expect

from campaigns.models import Campaign, Location, Membership
from campaigns.tenancy import scopes_disabled
from tests.browser.conftest import PASSWORD
from tests.factories import UserFactory


def staff_member(username: str, role: str) -> None:
    """A staff user of Sunrise with every model permission of the app and of users."""
    user = UserFactory(username=username, is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label="campaigns") | Q(content_type__model="user")
        )
    )
    Membership.objects.create(
        user=user, location=Location.objects.get(slug="sunrise-realty"), role=role
    )


def admin_login(page: Page, username: str) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Data entry")).to_be_visible()


def longest_sunrise_campaign() -> tuple[Campaign, int]:
    with scopes_disabled():
        campaign = max(
            Campaign.objects.filter(location__slug="sunrise-realty"),
            key=lambda c: c.daily_metrics.count(),
        )
        return campaign, campaign.daily_metrics.count()


def test_a_staff_manager_saves_a_long_campaign_and_follows_the_link_to_its_days(
    page, demo, screenshots
):
    staff_member("sunrise-staff", Membership.Role.MANAGER)
    campaign, days = longest_sunrise_campaign()
    assert days > 90  # longer than the old day inline could post back
    admin_login(page, "sunrise-staff")

    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    page.get_by_label("Target leads").fill("4321")
    page.screenshot(path=screenshots / "admin-campaign-change.png", full_page=True)
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("was changed successfully")).to_be_visible()
    with scopes_disabled():
        assert Campaign.objects.get(pk=campaign.pk).target_leads == 4321

    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    page.get_by_role("link", name=f"{days} recorded days").click()
    expect(page).to_have_url(f"/admin/campaigns/dailymetric/?campaign__id__exact={campaign.pk}")
    expect(page.locator("#result_list tbody tr")).to_have_count(100)  # the first page of days
    expect(page.locator(".paginator")).to_contain_text(f"{days} daily metrics")


def test_a_staff_viewer_sees_the_campaign_read_only_and_only_its_locations_people(page, demo):
    staff_member("sunrise-staff-viewer", Membership.Role.VIEWER)
    campaign, _ = longest_sunrise_campaign()
    admin_login(page, "sunrise-staff-viewer")

    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    expect(page.get_by_role("heading", name="View campaign")).to_be_visible()
    expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(0)

    page.goto("/admin/auth/user/")
    people = page.locator("#result_list tbody th a")
    expect(people).to_contain_text(["sunrise-manager"])
    listed = set(people.all_inner_texts())
    assert {"sunrise-manager", "sunrise-viewer", "agency-manager"} <= listed
    assert not listed & {"harbor-manager", "harbor-viewer", "admin"}
