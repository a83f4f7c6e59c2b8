from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from paradesk.access.admin_audit import AuditedAdmin
from paradesk.people.models import (
    Assignment,
    ClassSection,
    District,
    Enrollment,
    Role,
    School,
    Staff,
    Student,
)


class StaffCreationForm(AdminUserCreationForm):
    class Meta:
        model = Staff
        fields = ("email", "full_name", "district")


class StaffChangeForm(UserChangeForm):
    class Meta:
        model = Staff
        fields = "__all__"


@admin.register(Staff)
class StaffAdmin(UserAdmin):
    add_form = StaffCreationForm
    form = StaffChangeForm
    ordering = ["email"]
    list_display = ["email", "full_name", "district", "is_active", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "district")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "full_name", "district", "password1", "password2")},
        ),
    )
    list_filter = ["is_active", "is_superuser", "district"]
    filter_horizontal = ()


@admin.register(Student)
class StudentAdmin(AuditedAdmin):
    list_display = ["local_id", "school", "grade", "active"]
    list_filter = ["district", "school", "active"]
    search_fields = ["local_id"]


admin.site.register([District, School, Role, ClassSection])
# Rows about one student: the superuser's reads and writes are audited.
admin.site.register([Assignment, Enrollment], AuditedAdmin)
