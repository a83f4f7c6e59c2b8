"""The two automatic many-to-many tables (a para block's students, a coverage row's one-day
assignments) become explicit models that carry their district, keeping their table, columns and
rows: the models are declared over the existing tables (state only), then `district` is added,
filled from the parent row, and made required. Reversible: going back drops the column."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_district(apps, schema_editor):
    """Each row takes the district of the block or coverage row it belongs to."""
    for through, parent_name, parent_field in (
        ("ParaBlockStudent", "ParaBlock", "parablock_id"),
        ("CoverageTemporaryAssignment", "CoverageAssignment", "coverageassignment_id"),
    ):
        rows = apps.get_model("schedules", through).objects.using(schema_editor.connection.alias)
        parent = apps.get_model("schedules", parent_name).objects.filter(pk=OuterRef(parent_field))
        rows.update(district_id=Subquery(parent.values("district_id")[:1]))


def district_field(null):
    return models.ForeignKey(
        null=null, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="people.district"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_staff_sessions_ended_at"),
        ("schedules", "0004_notification_to_team"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CoverageTemporaryAssignment",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("assignment", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="people.assignment")),
                        ("coverageassignment", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="schedules.coverageassignment")),
                    ],
                    options={
                        "db_table": "schedules_coverageassignment_temporary_assignments",
                        "unique_together": {("coverageassignment", "assignment")},
                    },
                ),
                migrations.AlterField(
                    model_name="coverageassignment",
                    name="temporary_assignments",
                    field=models.ManyToManyField(blank=True, related_name="+", through="schedules.CoverageTemporaryAssignment", to="people.assignment"),
                ),
                migrations.CreateModel(
                    name="ParaBlockStudent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("parablock", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="schedules.parablock")),
                        ("student", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="people.student")),
                    ],
                    options={
                        "db_table": "schedules_parablock_students",
                        "unique_together": {("parablock", "student")},
                    },
                ),
                migrations.AlterField(
                    model_name="parablock",
                    name="students",
                    field=models.ManyToManyField(blank=True, related_name="para_blocks", through="schedules.ParaBlockStudent", to="people.student", verbose_name="students"),
                ),
            ],
        ),
        migrations.AddField(model_name="parablockstudent", name="district", field=district_field(null=True)),
        migrations.AddField(model_name="coveragetemporaryassignment", name="district", field=district_field(null=True)),
        migrations.RunPython(fill_district, migrations.RunPython.noop),
        migrations.AlterField(model_name="parablockstudent", name="district", field=district_field(null=False)),
        migrations.AlterField(model_name="coveragetemporaryassignment", name="district", field=district_field(null=False)),
    ]
