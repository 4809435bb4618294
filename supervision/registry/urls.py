from django.urls import path

from supervision.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.home, name="home"),
]

# Mounted inside the desk's "Libraries" application (supervision/desk.py), so the pages get
# the desk's menu; their names are libraries:import_….
import_urlpatterns = [
    path("imports/institutions/", views.import_institutions, name="import_institutions"),
    path("imports/inspectors/", views.import_inspectors, name="import_inspectors"),
    path("imports/<slug:kind>/template.xlsx", views.import_template, name="import_template"),
    path("imports/jobs/<int:pk>/", views.import_job, name="import_job"),
    path("imports/jobs/<int:pk>/progress/", views.import_job_progress, name="import_job_progress"),
    path("imports/jobs/<int:pk>/commit/", views.import_job_commit, name="import_job_commit"),
    path("imports/jobs/<int:pk>/columns/", views.import_job_columns, name="import_job_columns"),
    path("imports/jobs/<int:pk>/errors.csv", views.import_job_errors, name="import_job_errors"),
]
