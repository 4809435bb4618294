"""Public pages (no login) of this area, mounted under /public/notices/ by supervision.disclosure.urls."""

from django.urls import path

from supervision.rectification import public_views

app_name = "notices"

urlpatterns = [
    path("<str:token>/", public_views.verify_notice, name="verify"),
]
