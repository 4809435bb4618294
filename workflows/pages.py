"""The glue of every task page: render it, call a service with its errors put where they belong,
and finish the task.

Viewflow wraps a task view: `request.activation` is the task being done, and a POST runs under the
process lock in a transaction. A page loads its object, calls one service (which checks the user
again) through `call_service`, and on success returns `finish(request, message)`.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render


def task_page(request, template, **context):
    """Render a task page with the task, its process and the step's title."""
    activation = request.activation
    return render(request, template, {
        "activation": activation, "task": activation.task, "process": activation.process,
        "title": activation.flow_task.task_title, **context,
    })


def finish(request, message):
    """Complete the task and go where Viewflow sends the user next."""
    activation = request.activation
    activation.execute()
    messages.success(request, message, fail_silently=True)
    return redirect(activation.get_success_url(request))


def errors_into(errors, error: ValidationError) -> None:
    """A service's refusal onto a form (by field where it names one of the form's) or a list."""
    if isinstance(errors, list):
        errors.extend(error.messages)
    elif hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            for message in field_errors:
                errors.add_error(field if field in errors.fields else None, message)
    else:
        for message in error.messages:
            errors.add_error(None, message)


def call_service(errors, service, *args, **kwargs) -> tuple[bool, object]:
    """`(True, result)`, or `(False, None)` with the service's ValidationError put into `errors`."""
    try:
        return True, service(*args, **kwargs)
    except ValidationError as error:
        errors_into(errors, error)
        return False, None
