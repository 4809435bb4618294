from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("report.pdf", views.report_pdf, name="report"),
    re_path(r"^export/(?P<key>[a-z_]{1,40})\.xlsx$", views.export, name="export"),
]
