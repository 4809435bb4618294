"""Public pages (no login) of this area, mounted under /public/ by supervision.disclosure.urls."""

from django.urls import path

from supervision.sampling import public_views

app_name = "spot_checks"

urlpatterns = [
    path("", public_views.plan_list, name="list"),
    path("<int:pk>/", public_views.plan_detail, name="plan"),
    path("engine.py", public_views.engine_source, name="engine"),
    path("draws/<int:pk>/inputs.json", public_views.draw_inputs, name="inputs"),
    path("draws/<int:pk>/record.json", public_views.draw_record, name="record"),
    path("draws/<int:pk>/verify/", public_views.draw_verify, name="verify"),
    path("draws/<int:pk>/record.pdf", public_views.draw_pdf, name="pdf"),
]
