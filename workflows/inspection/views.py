from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _

from supervision.inspections import services


def review_record(request, **kwargs):
    """The head reads the record (PDF link) and confirms the review."""
    activation = request.activation
    inspection = activation.process.inspection
    if request.method == "POST":
        services.review(request.user, inspection)
        activation.execute()
        messages.success(request, _("The record was reviewed."))
        from django.shortcuts import redirect

        return redirect(activation.flow_task.flow_class.instance.reverse("index"))
    return render(request, "inspections/review.html", {"inspection": inspection, "activation": activation})
