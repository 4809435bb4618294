"""The once-a-year on-site rule: an institution not visited for more than 12 months is overdue, and the
institution list filters by it (the dashboard's coverage figures link there)."""

import datetime as dt

from django.utils import timezone

from supervision.registry.coverage import months_before, on_site_cutoff
from tests.url_rules_rectification import inspection


def test_twelve_months_back_keeps_the_day_or_takes_the_months_last():
    assert months_before(dt.date(2026, 12, 4), 12) == dt.date(2025, 12, 4)
    assert months_before(dt.date(2028, 2, 29), 12) == dt.date(2027, 2, 28)
    assert on_site_cutoff(dt.date(2026, 12, 4)).isoformat() == "2025-12-04T00:00:00+08:00"


def test_the_institution_list_shows_those_not_visited_for_more_than_twelve_months(client, world, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 4, 1, tzinfo=dt.timezone.utc), tick=False)
    visit = inspection(world, institution=world.inst_p)
    visit.finished_at = timezone.make_aware(dt.datetime(2025, 12, 3, 15))  # a day too early to count
    visit.save()
    client.force_login(world.head_x)

    def shown(query):
        return {i.pk for i in client.get(f"/libraries/institutions/?{query}").context["view"].get_queryset()}

    assert world.inst_p.pk in shown("not_visited=true")
    visit.finished_at = timezone.make_aware(dt.datetime(2025, 12, 4, 8))
    visit.save()
    assert world.inst_p.pk not in shown("not_visited=true")
    assert world.inst_p.pk in shown("not_visited=false")
