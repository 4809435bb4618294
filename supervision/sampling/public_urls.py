"""Public pages (no login) of this area, mounted under /public/ by supervision.disclosure.urls."""

urlpatterns: list = []
