"""A pager for lists that may hold 100,000 rows: it never counts them.

Each page reads one row more than it shows, to know whether another page follows. COUNT(*) over
everything in a user's reach cost more than the page itself (DESIGN.md, "Viewflow at scale"), and
a number like "1-25 of 33,334" helps nobody: the lists are newest (or most urgent) first, and the
filters narrow them. The pager template (templates/viewflow/includes/list_pagination.html) shows
"1-25" with a next arrow while more follow, and the total once the last page is reached.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator


# Far beyond any list, and small enough that the page's OFFSET fits the database's integer:
# ?page=99999999999999999999 is a missing page (404), not an overflow in the query (500).
MAX_PAGE = 1_000_000


class LookaheadPaginator(Paginator):
    lookahead = True  # read by the pager template

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._seen = None  # rows up to the end of the page read
        self.has_more = False  # whether a row follows that page

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > MAX_PAGE:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom:bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        self.has_more = len(rows) > self.per_page
        self._seen = bottom + min(len(rows), self.per_page)
        self.__dict__.pop("num_pages", None)  # a cached_property of Paginator
        return self._get_page(rows[: self.per_page], number, self)

    @property
    def count(self):
        """The rows up to the page read, plus one if more follow (so `has_next` holds); exact on the last page."""
        if self._seen is None:  # asked before any page was read: read the first
            self.page(1)
        return self._seen + (1 if self.has_more else 0)
