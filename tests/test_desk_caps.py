"""Badges and pagers of the desk lists do not count everything, so 100,000 open tasks cost little."""

import pytest
from django.contrib.auth.models import User
from django.core.paginator import EmptyPage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from supervision.core.pagination import LookaheadPaginator
from workflows.scoped import CappedCount

pytestmark = pytest.mark.django_db


def test_a_badge_counts_up_to_its_cap_and_says_more_beyond(world):
    assert CappedCount(User.objects.all(), cap=1000).count() == User.objects.count()
    assert CappedCount(User.objects.all(), cap=2).count() == "2+"


def test_the_lookahead_pager_reads_one_row_more_and_never_counts(world):
    users = list(User.objects.order_by("pk"))
    assert len(users) > 5
    paginator = LookaheadPaginator(User.objects.order_by("pk"), 2)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page(2)
    assert len(queries) == 1 and "COUNT" not in queries[0]["sql"].upper()
    assert list(page) == users[2:4] and page.has_next() and page.has_previous()
    assert paginator.count == 5  # the rows up to this page, plus one: "more follow", not a total

    last = len(users) // 2 + (len(users) % 2)
    paginator = LookaheadPaginator(User.objects.order_by("pk"), 2)
    page = paginator.page(last)
    assert not page.has_next() and paginator.count == len(users)  # exact on the last page
    with pytest.raises(EmptyPage):
        LookaheadPaginator(User.objects.order_by("pk"), 2).page(last + 1)


def test_the_pager_says_more_follow_instead_of_a_total_until_the_last_page(world):
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    def summary(number):
        paginator = LookaheadPaginator(User.objects.order_by("pk"), 2)
        page = paginator.page(number)
        html = render_to_string("viewflow/includes/list_pagination.html",
                                {"paginator": paginator, "page_obj": page, "view": SimpleNamespace(page_kwarg="page")})
        return " ".join(html.split("pagination-summary")[1].split("</span>")[0].split()[1:])

    total = User.objects.count()
    last = total // 2 + (total % 2)
    with translation.override("en"):
        assert summary(1) == "1-2, more on the next page"
        assert summary(last) == f"{2 * last - 1}-{total} of {total}"
    with translation.override("zh-hans"):
        assert summary(1) != "1-2, more on the next page"  # translated
