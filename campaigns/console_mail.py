"""The development mailer (``EMAIL_URL=consolemail://``): Django's console backend, with each
message written so that a person can copy a link out of the terminal.

Python's mail API wraps a body with a line over 78 characters in quoted-printable, whose soft
line breaks (``=`` at a line's end) cut a long link in two; here lines may be as long as RFC
5322 allows (998), so bodies print as plain 8-bit UTF-8, links whole. What goes through SMTP is
not changed.
"""

import email.policy

from django.conf import settings
from django.core import checks
from django.core.mail.backends import console

#: Lines up to RFC 5322's limit, headers in UTF-8: nothing a terminal reader must decode.
READABLE = email.policy.default.clone(max_line_length=998, utf8=True)


class EmailBackend(console.EmailBackend):
    def write_message(self, message):
        text = message.message(policy=READABLE).as_bytes().decode("utf-8", "replace")
        self.stream.write(f"{text}\n{'-' * 79}\n")


@checks.register(checks.Tags.mail, deploy=True)
def console_mailer_in_production(app_configs, **kwargs):
    """``check --deploy`` refuses this backend as it refuses Django's console backend (its
    mail.E001 knows only Django's own backends by name)."""
    mailer = getattr(settings, "MAILERS", {}).get("default", {})
    if mailer.get("BACKEND") != f"{__name__}.EmailBackend":
        return []
    return [
        checks.Error(
            "Your MAILERS setting uses a development-only email backend in the 'default' "
            "entry (the console: EMAIL_URL is unset or consolemail://).",
            hint="Set EMAIL_URL to your SMTP server, e.g. smtp+tls://user:password@host:587.",
            id="mail.E001",
        )
    ]
