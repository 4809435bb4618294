"""The office's task page: check the filing for completeness, accept or return it (one service call)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from supervision.filings import services
from supervision.filings.compare import compare_versions
from supervision.filings.forms import CheckForm
from supervision.filings.models import Filing


def check(request, **kwargs):
    activation = request.activation
    filing = Filing.objects.select_related("institution", "office", "region", "amends").get(
        process__pk=activation.process.pk)
    suggested = services.suggest_team(filing.office, filing.institution)
    form = CheckForm(request.POST or None, office=filing.office, suggested=suggested)
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == CheckForm.ACCEPT:
                services.accept_filing(request.user, filing, team=list(data["team"]) or None)
                message = _("The filing was accepted.")
            else:
                services.return_filing(request.user, filing, note=data["note"])
                message = _("The filing was returned for completion.")
        except ValidationError as e:
            for field, errors in (e.message_dict.items() if hasattr(e, "error_dict") else [("", e.messages)]):
                for text in errors:
                    if field in form.fields:
                        form.add_error(field, text)
                    else:
                        problems.append(text)
        else:
            activation.execute()
            messages.success(request, message, fail_silently=True)
            return redirect(activation.get_success_url(request))
    version = filing.versions.order_by("-number").first()
    previous = filing.versions.filter(number__lt=version.number).order_by("-number").first() if version else None
    before = previous.data if previous else (services.declared(filing.amends) if filing.amends_id else None)
    return render(request, "filings/task_check.html", {
        "activation": activation, "task": activation.task, "process": activation.process,
        "title": activation.flow_task.task_title, "filing": filing, "version": version, "form": form,
        "problems": problems, "rows": compare_versions(before, version.data) if version else [],
        "signature": getattr(filing, "signature", None), "previous": previous,
    })
