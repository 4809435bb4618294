"""Who is asking: the actor behind a request, and the jurisdiction they act in.

Principle 谁审批谁监管、谁主管谁监管: an official acts within their department's
jurisdiction (a region subtree); administrators act everywhere; institution operators
act for their own institution only (see registry.access). Every list filters in SQL
through these helpers, and object views use them so outsiders get 404.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q

from supervision.core.models import DepartmentKind, Region
from supervision.staff.models import OFFICIAL_ROLES, Official, Role


@dataclass(frozen=True)
class Actor:
    user: object
    roles: frozenset = field(default_factory=frozenset)
    official: Official | None = None

    @property
    def is_admin(self) -> bool:
        if not getattr(self.user, "is_active", False):
            return False
        return bool(getattr(self.user, "is_superuser", False)) or Role.ADMINISTRATOR in self.roles

    @property
    def is_official(self) -> bool:
        return self.official is not None and bool(self.roles & set(OFFICIAL_ROLES))

    @property
    def is_operator(self) -> bool:
        return Role.OPERATOR in self.roles and not self.is_admin

    @cached_property
    def jurisdiction(self) -> Region | None:
        """The region subtree an official may act in; None for admins (everything) and others (nothing)."""
        if self.official is None:
            return None
        return self.official.department.region

    def has_role(self, *roles) -> bool:
        return self.is_admin or bool(self.roles & set(roles))

    def region_q(self, lookup: str) -> Q | None:
        """A Q restricting ``lookup`` (a path to a Region) to the jurisdiction.

        None means no restriction (administrator); Q(pk__in=[]) means nothing.
        """
        if self.is_admin:
            return None
        if self.is_official and self.jurisdiction is not None:
            return Q(**{f"{lookup}__path__startswith": self.jurisdiction.path})
        return Q(pk__in=[])

    def covers_region(self, region: Region | None) -> bool:
        if self.is_admin:
            return True
        return self.is_official and self.jurisdiction is not None and self.jurisdiction.contains(region)

    @property
    def in_civil_affairs(self) -> bool:
        return self.official is not None and self.official.department.kind == DepartmentKind.CIVIL_AFFAIRS


def actor_for(user) -> Actor:
    """The Actor for a user, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return Actor(user=user)
    cached = getattr(user, "_supervision_actor", None)
    if cached is not None:
        return cached
    roles = frozenset(user.groups.values_list("name", flat=True))
    official = (
        Official.objects.select_related("department__region", "region").filter(user=user).first()
    )
    actor = Actor(user=user, roles=roles, official=official)
    user._supervision_actor = actor
    return actor


def regions_for(user, level=None):
    """Regions inside the user's jurisdiction (all for administrators, none for others)."""
    regions = Region.objects.all()
    if level is not None:
        regions = regions.filter(level=level)
    if user is None:
        return regions.none()
    actor = actor_for(user)
    if actor.is_admin:
        return regions
    if actor.is_official:
        return regions.within(actor.jurisdiction)
    return regions.none()
