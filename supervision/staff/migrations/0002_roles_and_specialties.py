"""Roles as auth groups with their model permissions, and the standard specialties."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "inspector": ["registry.view_institution", "staff.view_official", "staff.view_conflictofinterest",
                  "staff.add_conflictofinterest"],
    "planner": ["registry.view_institution", "registry.add_institution", "registry.change_institution",
                "staff.view_official", "staff.view_conflictofinterest"],
    "head": ["registry.view_institution", "registry.add_institution", "registry.change_institution",
             "staff.view_official", "staff.change_official", "staff.view_conflictofinterest",
             "staff.add_conflictofinterest", "staff.change_conflictofinterest"],
    "administrator": "*",
    "operator": [],
}

SPECIALTIES = [
    ("general", "综合"),
    ("fire", "消防"),
    ("food", "食品"),
    ("medical", "医疗"),
    ("building", "建筑"),
]


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        if perms == "*":
            chosen = Permission.objects.filter(content_type__app_label__in=["core", "registry", "staff", "auth"]).exclude(
                codename__in=["change_auditentry", "delete_auditentry", "add_auditentry"]
            )
        else:
            chosen = [
                Permission.objects.get(content_type__app_label=p.split(".")[0], codename=p.split(".")[1])
                for p in perms
            ]
        group.permissions.set(chosen)
    Specialty = apps.get_model("staff", "Specialty")
    for code, name in SPECIALTIES:
        Specialty.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("registry", "0001_initial"),
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
