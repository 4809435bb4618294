"""Badges and pagers of the desk lists stop counting at a cap, so 100,000 open tasks cost little."""

import pytest
from django.contrib.auth.models import User

from workflows.scoped import CappedCount, CappedPaginator

pytestmark = pytest.mark.django_db


def test_a_badge_counts_up_to_its_cap_and_says_more_beyond(world):
    assert CappedCount(User.objects.all(), cap=1000).count() == User.objects.count()
    assert CappedCount(User.objects.all(), cap=2).count() == "2+"


def test_the_pager_counts_at_most_the_cap(world, monkeypatch):
    monkeypatch.setattr("workflows.scoped.PAGINATION_CAP", 3)
    paginator = CappedPaginator(User.objects.order_by("pk"), 2)
    assert User.objects.count() > 3 and paginator.count == 3 and paginator.num_pages == 2
