"""Concerns from the public (/public/concerns/): the form and the tracking page."""

from django.urls import path

from supervision.concerns import public_views

app_name = "concerns"

urlpatterns = [
    path("new/", public_views.new_concern, name="new"),
    path("track/", public_views.track, name="track"),
]
