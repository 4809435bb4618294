"""Desk pages of the inspector library (执法检查人员名录库) and declared conflicts of interest."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from viewflow.utils import Icon
from viewflow.views import Action

from supervision.core.models import Department
from supervision.core.viewsets import ScopedModelViewset
from supervision.registry.models import supervised_q
from supervision.staff.access import actor_for
from supervision.staff.forms import ConflictForm, OfficialForm, officials_for_conflicts
from supervision.staff.models import ConflictOfInterest, Official, Role, Specialty


def _departments(request):
    if request is None:
        return Department.objects.none()
    q = actor_for(request.user).region_q("region")
    return Department.objects.all() if q is None else Department.objects.filter(q)


class OfficialFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(label=_("Role"), field_name="user__groups__name", choices=Role.choices[:4])
    department = django_filters.ModelChoiceFilter(label=_("Department"), queryset=_departments)
    specialties = django_filters.ModelChoiceFilter(label=_("Specialty"), queryset=Specialty.objects.all())
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Official
        fields = ["role", "department", "specialties", "active"]


def scope_officials(user, queryset):
    """Officials whose duty region lies in the user's jurisdiction (any department: joint checks)."""
    q = actor_for(user).region_q("region")
    return queryset if q is None else queryset.filter(q)


def _specialty_names(official):
    return "、".join(s.name for s in official.specialties.all())


def _role_names(official):
    labels = dict(Role.choices)
    return "、".join(str(labels.get(g.name, g.name)) for g in official.user.groups.all())


class OfficialViewset(ScopedModelViewset):
    model = Official
    icon = Icon("badge")
    title = _("Inspector library")
    list_columns = ("name", "department", "region", "role_list", "certificate_number", "specialty_list", "active")
    list_filterset_class = OfficialFilter
    list_search_fields = ["name", "certificate_number", "phone"]
    form_class = OfficialForm
    export_formats = ("xlsx", "csv")
    export_filename = "inspectors"
    export_columns = [
        (_("Name"), lambda o: o.name),
        (_("Department"), lambda o: o.department.name),
        (_("Duty region"), lambda o: o.region.name),
        (_("Roles"), _role_names),
        (_("Enforcement certificate number"), lambda o: o.certificate_number),
        (_("Certificate valid until"), lambda o: o.certificate_valid_until),
        (_("Specialties"), _specialty_names),
        (_("Phone"), lambda o: o.phone),
        (_("Active"), lambda o: o.active),
    ]

    def role_list(self, obj):
        return _role_names(obj)

    role_list.short_description = _("Roles")

    def specialty_list(self, obj):
        return _specialty_names(obj)

    specialty_list.short_description = _("Specialties")

    def scope(self, user, queryset):
        queryset = queryset.select_related("department", "region", "user").prefetch_related(
            "specialties", "user__groups"
        )
        return scope_officials(user, queryset).distinct()

    def can_list(self, user):
        actor = actor_for(user)
        return actor.is_admin or actor.is_official

    def can_add(self, user):
        return False  # accounts are created by administrators (Django admin) or by import

    def can_change(self, user, obj):
        actor = actor_for(user)
        if actor.is_admin:
            return True
        return actor.has_role(Role.HEAD) and actor.official is not None and obj.department_id == actor.official.department_id

    def get_list_page_actions(self, request, *actions):
        actor = actor_for(request.user)
        if actor.has_role(Role.HEAD):
            actions = (
                Action(
                    name=_("Import"),
                    viewname="libraries:import_inspectors",
                    icon=Icon("upload", class_="material-icons mdc-list-item__graphic"),
                ),
                *actions,
            )
        return super().get_list_page_actions(request, *actions)


class ConflictViewset(ScopedModelViewset):
    model = ConflictOfInterest
    icon = Icon("do_not_disturb_on")
    title = _("Conflicts of interest")
    list_columns = ("official", "institution", "reason", "valid_until", "declared_at")
    list_search_fields = ["official__name", "institution__name", "reason"]
    form_class = ConflictForm

    def scope(self, user, queryset):
        queryset = queryset.select_related("official", "institution")
        actor = actor_for(user)
        if actor.is_admin:
            return queryset
        if not actor.is_official:
            return queryset.none()
        # A declaration (回避) is the declaring official's and their department line's business: an
        # inspector sees their own; heads and planners those of officials of their kind of department
        # inside the jurisdiction, the institution also inside (its name is not public to outsiders).
        own = Q(official=actor.official)
        if actor.jurisdiction is None or not (actor.has_role(Role.HEAD) or actor.has_role(Role.PLANNER)):
            return queryset.filter(own)
        line = Q(official__department__kind=actor.official.department.kind) & actor.region_q("official__region") & \
            supervised_q(actor.jurisdiction.path, "institution__")
        return queryset.filter(own | line)

    def can_list(self, user):
        actor = actor_for(user)
        return actor.is_admin or actor.is_official

    def can_add(self, user):
        return officials_for_conflicts(user).exists()

    def can_change(self, user, obj):
        """Ending or moving a declared conflict (回避) is for the department head, not the inspector."""
        actor = actor_for(user)
        if actor.is_admin:
            return True
        return (
            actor.has_role(Role.HEAD) and actor.official is not None
            and obj.official.department_id == actor.official.department_id
        )
