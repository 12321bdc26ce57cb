# Custom alert rules and alert e-mail preferences (issue 10, item 2).

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0007_report_schedules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = []
