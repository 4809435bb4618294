"""Administrators unlock logins (django-axes' attempts: view, delete) and reset second factors
(django-otp's devices: view, delete) in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "axes": ["view_accessattempt", "delete_accessattempt", "view_accesslog", "view_accessfailurelog"],
    "otp_totp": ["view_totpdevice", "delete_totpdevice"],
    "otp_static": ["view_staticdevice", "delete_staticdevice"],
}


def grant_administrators(apps, schema_editor):
    for label in GRANTS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # create_permissions skips apps it thinks have no models
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="administrator").first()
    if group is None:
        return
    for label, codenames in GRANTS.items():
        group.permissions.add(*Permission.objects.filter(content_type__app_label=label, codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0002_roles_and_specialties"),  # creates the "administrator" group
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(grant_administrators, migrations.RunPython.noop)]
