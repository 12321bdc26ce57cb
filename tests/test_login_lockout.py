"""Login lockout (django-axes): repeated wrong passwords for one user from one address lock
that pair out with a clear message; other users and addresses are not affected; an admin
unlocks by removing the attempt; a success resets the count."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "pw-right-1"


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("sunrise-manager", password=PASSWORD)


def sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_the_right_password_after_too_many_wrong_ones_is_refused_with_a_clear_message(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "sunrise-manager", "wrong").status_code == 200
    assert sign_in(client, "sunrise-manager", "wrong").status_code == 429  # the limit

    response = sign_in(client, "sunrise-manager", PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many sign-in attempts" in page
    assert "locked after 5 wrong passwords: try again in 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "sunrise-manager", "wrong")

    response = sign_in(client, "sunrise-manager", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not AccessAttempt.objects.filter(username="sunrise-manager").exists()  # reset


def test_the_lockout_is_per_user_and_address(client, user, django_user_model):
    django_user_model.objects.create_user("harbor-manager", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "sunrise-manager", "wrong")

    assert sign_in(client, "harbor-manager", PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, "sunrise-manager", PASSWORD, ip="10.0.0.2").status_code == 302


def test_an_admin_unlocks_by_removing_the_access_attempt(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "sunrise-manager", "wrong")
    assert sign_in(client, "sunrise-manager", PASSWORD).status_code == 429

    AccessAttempt.objects.filter(username="sunrise-manager").delete()

    assert sign_in(client, "sunrise-manager", PASSWORD).status_code == 302
