from django.urls import path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    path("institutions/<int:pk>/", views.institution_credit, name="institution"),
    path("institutions/<int:pk>/events/new/", views.record_event, name="record_event"),
    path("grades/", views.distribution, name="distribution"),
    path("grades/changes/", views.grade_changes, name="changes"),
    path("penalties/", views.penalty_list, name="penalties"),
    path("penalties/new/", views.penalty_new, name="penalty_new"),
    path("penalties/<int:pk>/", views.penalty_detail, name="penalty"),
    path("penalties/<int:pk>/withdraw/", views.penalty_withdraw, name="penalty_withdraw"),
    path("rule-sets/", views.rule_sets, name="rule_sets"),
    path("rule-sets/new/", views.rule_set_new, name="rule_set_new"),
]

index = RedirectView.as_view(url="grades/")
