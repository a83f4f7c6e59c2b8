"""team.Notification takes over the table schedules made (schedules_notification) with its rows.

First the model enters the state on the existing table, with no SQL (schedules/0004 took it out of
the schedules state); then the table and its index take the team app's names, a rename on SQLite and
PostgreSQL alike (no copy); then the content type follows, so permissions and admin history stay
attached. On a new database the table is made by schedules/0002 and renamed here. Reversible.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODEL = 'notification'


def content_type_to(app_label, other_label):
    def move(apps, schema_editor):
        ContentType = apps.get_model('contenttypes', 'ContentType')
        using = schema_editor.connection.alias
        if not ContentType.objects.using(using).filter(app_label=app_label, model=MODEL).exists():
            ContentType.objects.using(using).filter(app_label=other_label, model=MODEL).update(
                app_label=app_label
            )

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('people', '0001_initial_people'),
        ('schedules', '0004_notification_to_team'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('key', models.CharField(max_length=40)),
                        ('params', models.JSONField(blank=True, default=dict)),
                        ('link', models.CharField(blank=True, max_length=300)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('read_at', models.DateTimeField(blank=True, null=True)),
                        ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.district')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['-created_at'],
                        'db_table': 'schedules_notification',
                        'indexes': [models.Index(fields=['recipient', 'read_at'], name='schedules_n_recipie_87ef11_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='notification', table=None),
        migrations.RenameIndex(
            model_name='notification',
            new_name='team_notifi_recipie_bab173_idx',
            old_name='schedules_n_recipie_87ef11_idx',
        ),
        migrations.RunPython(content_type_to('team', 'schedules'), content_type_to('schedules', 'team')),
    ]
