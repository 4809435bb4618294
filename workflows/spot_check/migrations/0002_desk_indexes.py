"""Indexes for the desk lists with 100,000 open tasks, on Viewflow's own tables (PostgreSQL only).

Measured in DESIGN.md ("Viewflow at scale") and again with benchmarks/bench_desk.py. They serve
every flow; they live here because Viewflow's tables belong to no app of ours. SQLite (the demo)
is left without them: it cannot use them for the permission OR anyway.
"""

from django.db import migrations

INDEXES = {
    # Open tasks by the object permission that lets a user take them.
    "desk_task_open_perm_idx": 'ON viewflow_task (owner_permission, owner_permission_obj_pk) WHERE status = \'NEW\'',
    # Open tasks by their owner (inbox, badges).
    "desk_task_open_owner_idx": "ON viewflow_task (owner_id) WHERE status = 'NEW'",
    # A flow's processes, newest first.
    "desk_process_flow_created_idx": "ON viewflow_process (flow_class, created)",
    # Tasks by status, newest first.
    "desk_task_status_created_idx": "ON viewflow_task (status, created)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("spot_check_flow", "0001_initial"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
