from django.urls import path

from supervision.inspections import field_views, views

app_name = "field"

urlpatterns = [
    path("", field_views.home, name="home"),
    path("sw.js", field_views.service_worker, name="service_worker"),
    path("api/inspections/", field_views.api_inspections, name="api_inspections"),
    path("api/sync/", field_views.api_sync, name="api_sync"),
    path("api/photos/", field_views.api_photo_begin, name="api_photo_begin"),
    path("api/photos/<str:client_uuid>/", field_views.api_photo, name="api_photo"),
    path("inspections/<int:pk>/record.pdf", views.record_pdf, name="record_pdf"),
    path("inspections/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("case-checks/new/", views.new_case_check, name="new_case_check"),
]
