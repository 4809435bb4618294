"""An index for every flow's queue and menu badges at scale (PostgreSQL only; see 0002).

A queue asks for the open (NEW) tasks of a few nodes, some by the department named in the task's
data (a plan's approval by each participating department). Without this index PostgreSQL read
every open task of every flow and filtered; with it each node is an index range: measured with
benchmarks/bench_desk.py (100,000 open processes), a district head's spot-check queue went from
147 ms to 24 ms and a city head's rectification queue from 80 ms to 18 ms.
"""

from django.db import migrations

NAME = "desk_task_new_node_idx"
DEFINITION = "ON viewflow_task (flow_task, (data -> 'department')) WHERE status = 'NEW'"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} {DEFINITION}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("spot_check_flow", "0002_desk_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
