"""Password reset end to end: the e-mail goes out through Django's mail API, its link sets a
new password once, and the new password signs in."""

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        "sunrise-manager", email="manager@sunrise.example", password="pw-old-1"
    )


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, user):
    assert 'href="/accounts/password_reset/"' in client.get("/accounts/login/").content.decode()

    response = client.post("/accounts/password_reset/", {"email": "manager@sunrise.example"})

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["manager@sunrise.example"]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-pass-2026", "new_password2": "a-new-pass-2026"},
    )
    assert done.status_code == 302
    assert (
        client.post(
            "/accounts/login/", {"username": "sunrise-manager", "password": "a-new-pass-2026"}
        ).status_code
        == 302
    )
    # The link works once.
    client.logout()
    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_sends_nothing_and_says_the_same(client, user):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert mail.outbox == []
    assert "Check your e-mail" in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("url", "backend", "options"),
    [
        # Django's console backend, printing bodies unwrapped (campaigns/console_mail.py).
        ("consolemail://", "campaigns.console_mail.EmailBackend", {}),
        (
            "smtp+tls://mailer:secret@smtp.example.com:587",
            "django.core.mail.backends.smtp.EmailBackend",
            {
                "host": "smtp.example.com",
                "port": 587,
                "username": "mailer",
                "password": "secret",
                "use_tls": True,
            },
        ),
    ],
)
def test_email_url_becomes_the_default_mailer(url, backend, options):
    import environ

    from config.settings import mailers_from

    config = environ.Env.email_url_config(url)

    assert mailers_from(config) == {"default": {"BACKEND": backend, "OPTIONS": options}}
