"""Production settings come from the environment: `check --deploy` passes with a production-like
environment (HTTPS redirect, HSTS, SMTP mail) and names what is missing without one."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from config.settings import proxy_ssl_header

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "analytics.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://analytics.example.com",
    "DATABASE_URL": "sqlite:////tmp/deploy-check-unused.sqlite3",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def deploy_check(environment: dict[str, str]) -> subprocess.CompletedProcess:
    """`manage.py check --deploy --fail-level WARNING` in a clean environment: only PATH and
    the given variables (a developer's own .env is not read: its values would win over none)."""
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **environment}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(autouse=True)
def no_dot_env():
    if (BASE_DIR / ".env").exists():
        pytest.fail(".env in the project folder would leak into the deploy check; move it")


def test_check_deploy_passes_with_a_production_like_environment():
    result = deploy_check(PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("unset", "warning"),
    [
        ("SECURE_HSTS_SECONDS", "security.W004"),
        ("SECURE_SSL_REDIRECT", "security.W008"),
        ("EMAIL_URL", "mail.E001"),  # the console backend is for development only
    ],
)
def test_check_deploy_names_each_missing_production_setting(unset, warning):
    environment = {key: value for key, value in PRODUCTION.items() if key != unset}
    result = deploy_check(environment)
    assert result.returncode == 1
    assert warning in result.stderr


def test_proxy_ssl_header_is_read_from_a_header_name():
    assert proxy_ssl_header("X-Forwarded-Proto") == ("HTTP_X_FORWARDED_PROTO", "https")
    assert proxy_ssl_header("") is None


@pytest.mark.django_db
@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_HSTS_SECONDS=3600,
)
def test_plain_http_is_redirected_and_https_through_the_proxy_gets_hsts(client):
    insecure = client.get("/accounts/login/")
    assert insecure.status_code == 301
    assert insecure["Location"].startswith("https://")

    secure = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=3600"
