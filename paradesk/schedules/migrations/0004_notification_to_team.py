"""Notifications move to the team app (team/0001 takes over the table and its rows): here
schedules.Notification leaves the migration state only; no SQL runs, the table is kept."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('schedules', '0003_para_block_dates_in_force'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Notification')],
            database_operations=[],
        ),
    ]
