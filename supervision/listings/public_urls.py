"""Public pages (no login) of this area, mounted under /public/listings/ by supervision.disclosure.urls."""

from django.urls import path

from supervision.listings import public_views

app_name = "listings"

urlpatterns = [
    path("", public_views.listing_list, name="list"),
]
