"""Every user has an in-app list of notifications and marks them read; nobody sees another's."""

import pytest

from supervision.notifications.models import Notification
from supervision.notifications.services import notify, unread_count

pytestmark = pytest.mark.django_db


def test_the_list_shows_only_the_users_own_notifications(client, world):
    notify([world.operator_p], "notice_issued", "给P的通知", "/rectification/notices/")
    notify([world.operator_q], "notice_issued", "给Q的通知")
    client.force_login(world.operator_p)
    page = client.get("/notifications/").content.decode()
    assert "给P的通知" in page and "给Q的通知" not in page


def test_marking_read_follows_the_link_and_counts_down(client, world):
    [n] = notify([world.operator_p], "notice_issued", "给P的通知", "/rectification/notices/")
    client.force_login(world.operator_p)
    assert unread_count(world.operator_p) == 1
    response = client.post(f"/notifications/{n.pk}/read/", {"follow": "1"})
    assert response["Location"] == "/rectification/notices/"
    assert unread_count(world.operator_p) == 0


def test_another_users_notification_cannot_be_touched(client, world):
    [n] = notify([world.operator_q], "notice_issued", "给Q的通知")
    client.force_login(world.operator_p)
    assert client.post(f"/notifications/{n.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=n.pk).read_at is None


def test_mark_all_read(client, world):
    notify([world.head_x], "overdue", "一", "")
    notify([world.head_x], "overdue", "二", "")
    client.force_login(world.head_x)
    client.post("/notifications/read-all/")
    assert unread_count(world.head_x) == 0
