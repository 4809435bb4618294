"""Permission rows for filing (/filings/: portal, lists, process pages) and the public commitment pages.

`extend_world` files for P (district X, 东湖区民政局): accepted, with its verification inspection
answered and one commitment item found broken; then a change filing submitted and waiting for the
office's check. Q (district Y, 西山区民政局) files and is returned for completion by a planner of Y.
A third institution of X operates without a filing.

Who sees a filing: the institution's operators; civil-affairs officials of the office's line at or
below their level; administrators. Officials of other departments are refused the section (403);
officials elsewhere and other operators get 404. Only the office's planners take and do the check.
The public sees accepted commitments only.

POSTS: the pages that change things, posted by every persona (test_permissions_every_url).
"""

from tests.personas import statuses

# --- the world ------------------------------------------------------------------------------------


def _process_step(filing, resubmitted=False):
    """What the flow's signal does after a commit (a test transaction never commits)."""
    from workflows.filing.flows import resubmitted as move_on
    from workflows.filing.flows import start_process

    if resubmitted:
        move_on(filing)
    else:
        start_process(filing)


def _do_check(filing, user, work):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory
    from viewflow.workflow.models import Task

    from workflows.filing.flows import FilingsFlow

    task = Task.objects.get(process__filingprocess__filing=filing, flow_task=FilingsFlow.check, status="NEW")
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    activation = task.flow_task.activation_class(task)
    activation.assign(user)
    activation.start(request)
    work()
    activation.execute()


def extend_world(world):
    from supervision.filings import services
    from supervision.filings.models import CommitmentBreach, FilingVerification
    from supervision.filings.verification import record_verification_outcome
    from tests.builders.filings import answer_everything, complete_draft
    from tests.factories import institution, official
    from tests.url_rules_sampling import third_inspector

    # inspector_x declared a conflict with P (full_world): the verification team is head_x and inspector_x2.
    third_inspector(world)
    filing = complete_draft(world)
    services.submit_filing(world.operator_p, filing)
    _process_step(filing)
    _do_check(filing, world.planner_x, lambda: services.accept_filing(world.planner_x, filing))
    world.fil_accepted = filing
    world.fil_verification = FilingVerification.objects.get(filing=filing)
    answer_everything(world, world.fil_verification.inspection, broken=("commit-fire",))
    record_verification_outcome(world.fil_verification.inspection)
    world.fil_breach = CommitmentBreach.objects.get(filing=filing)

    change = services.start_filing(world.operator_p, world.inst_p, "change")
    services.save_draft(world.operator_p, change, {"beds": 70})
    services.sign_commitment(world.operator_p, change, signer_name="张三", confirmed=True)
    services.submit_filing(world.operator_p, change)
    _process_step(change)
    world.fil_change = change

    planner_y = official("planner_y", world.civil_y, "planner").user
    q_filing = complete_draft(world, operator=world.operator_q, institution=world.inst_q)
    services.submit_filing(world.operator_q, q_filing)
    _process_step(q_filing)
    _do_check(q_filing, planner_y, lambda: services.return_filing(planner_y, q_filing, note="补充租赁合同"))
    world.fil_returned = q_filing
    world.inst_unfiled = institution(world.street_x2, name="柳岸未备案养老院")

    def task(filing, node, **filters):
        from viewflow.workflow.models import Task

        from workflows.filing.flows import FilingsFlow

        return Task.objects.filter(process__filingprocess__filing=filing, flow_task=getattr(FilingsFlow, node),
                                   **filters).latest("pk")

    world.fil_tasks = {
        "start": task(filing, "start"),
        "check": task(change, "check", status="NEW"),
        "outcome": task(filing, "outcome"),
        "completion": task(q_filing, "completion", status="NEW"),
        "accepted": task(filing, "accepted"),
    }


# --- the rows ---------------------------------------------------------------------------------


def _x_filing(default):
    """A filing of P with 东湖区民政局: X's civil-affairs officials, the admin and operator P."""
    return statuses(404, anonymous=302, inspector_x=default, head_x=default, planner_x=default, admin=default,
                    operator_p=default, fire_inspector_x=403)


def _y_filing(default):
    """A filing of Q with 西山区民政局: Y's civil-affairs officials, the admin and operator Q."""
    return statuses(404, anonymous=302, inspector_y=default, admin=default, operator_q=default,
                    fire_inspector_x=403)


def _process_in_reach(filing_rule):
    """Process pages: the filing's reach; outsiders in the section get 404 (within_reach)."""
    return filing_rule(200)


# The filing section is civil affairs' and the operators': the fire brigade is refused it (403).
_DESK = statuses(200, anonymous=302, fire_inspector_x=403)
_CIVIL_AFFAIRS = statuses(200, anonymous=302, fire_inspector_x=403, operator_p=403, operator_q=403)
_OPERATORS = statuses(403, anonymous=302, operator_p=200, operator_q=200)


def _x_record(default=200):
    """A record of X that only X's civil-affairs officials and the admin see (not operators: 404 by object)."""
    return statuses(404, anonymous=302, inspector_x=default, head_x=default, planner_x=default, admin=default,
                    fire_inspector_x=403)


def _task_url(node, action):
    def build(w):
        t = w.fil_tasks[node]
        suffix = "" if action == "index" else f"{action}/"
        return f"/filings/{t.process_id}/{node}/{t.pk}/{suffix}"

    return build


def _node_rows():
    rows = {}
    for node in ("start", "check", "outcome", "accepted"):
        rows[f"filings:{node}:index"] = (_task_url(node, "index"), _process_in_reach(_x_filing) | {
            p: 302 for p, s in _process_in_reach(_x_filing).items() if s == 200})
        rows[f"filings:{node}:detail"] = (_task_url(node, "detail"), _process_in_reach(_x_filing))
    rows["filings:completion:index"] = (_task_url("completion", "index"), _process_in_reach(_y_filing) | {
        p: 302 for p, s in _process_in_reach(_y_filing).items() if s == 200})
    rows["filings:completion:detail"] = (_task_url("completion", "detail"), _process_in_reach(_y_filing))
    # The open check of P's change: only planner_x (of the filing office) may take it; nobody executes untaken.
    in_reach = _process_in_reach(_x_filing)
    rows["filings:check:assign"] = (_task_url("check", "assign"),
                                    {p: (403 if s == 200 else s) for p, s in in_reach.items()} | {"planner_x": 200})
    rows["filings:check:unassign"] = (_task_url("check", "unassign"),
                                      {p: (403 if s == 200 else s) for p, s in in_reach.items()})
    rows["filings:check:execute"] = (_task_url("check", "execute"),
                                     {p: (403 if s == 200 else s) for p, s in in_reach.items()})
    return rows


RULES = {
    "public:commitments:list": (lambda w: "/public/commitments/", statuses(200)),
    "public:commitments:institution": (lambda w: f"/public/commitments/{w.inst_p.credit_code}/", statuses(200)),
    "filings:index": (lambda w: "/filings/", statuses(302, fire_inspector_x=403)),
    "filings:inbox": (lambda w: "/filings/inbox/", _DESK),
    "filings:queue": (lambda w: "/filings/queue/", _DESK),
    "filings:archive": (lambda w: "/filings/archive/", _DESK),
    "filings:process_list": (lambda w: "/filings/flows/", _DESK),
    "filings:task_list": (lambda w: "/filings/tasks/", _DESK),
    "filings:process_detail": (lambda w: f"/filings/{w.fil_accepted.process.pk}/", _process_in_reach(_x_filing)),
    "filings:process_chart": (lambda w: f"/filings/{w.fil_accepted.process.pk}/chart/",
                              _process_in_reach(_x_filing)),
    "filings:portal:index": (lambda w: "/filings/portal/", _OPERATORS),
    "filings:portal:start": (lambda w: "/filings/portal/start/initial/",
                             statuses(405, anonymous=302, fire_inspector_x=403)),
    "filings:portal:filing": (lambda w: f"/filings/portal/{w.fil_change.pk}/",
                              statuses(403, anonymous=302, operator_p=200, operator_q=404)),
    "filings:portal:receipt": (lambda w: f"/filings/portal/{w.fil_accepted.pk}/receipt/",
                               statuses(403, anonymous=302, operator_p=200, operator_q=404)),
    "filings:filings:index": (lambda w: "/filings/filings/", _DESK),
    "filings:filings:list": (lambda w: "/filings/filings/", _DESK),
    "filings:filings:export": (lambda w: "/filings/filings/export/?format=xlsx", _DESK),
    "filings:filings:detail": (lambda w: f"/filings/filings/{w.fil_returned.pk}/detail/", _y_filing(200)),
    "filings:filings:receipt": (lambda w: f"/filings/filings/{w.fil_accepted.pk}/receipt/", _x_filing(200)),
    "filings:filings:certificate": (lambda w: f"/filings/filings/{w.fil_change.pk}/certificate/", _x_filing(200)),
    "filings:verifications:index": (lambda w: "/filings/verifications/", _CIVIL_AFFAIRS),
    "filings:verifications:list": (lambda w: "/filings/verifications/", _CIVIL_AFFAIRS),
    "filings:verifications:export": (lambda w: "/filings/verifications/export/?format=xlsx", _CIVIL_AFFAIRS),
    "filings:verifications:detail": (
        lambda w: f"/filings/verifications/{w.fil_verification.pk}/detail/", _x_record()),
    "filings:breaches:index": (lambda w: "/filings/breaches/", _CIVIL_AFFAIRS),
    "filings:breaches:list": (lambda w: "/filings/breaches/", _CIVIL_AFFAIRS),
    "filings:breaches:export": (lambda w: "/filings/breaches/export/?format=xlsx", _CIVIL_AFFAIRS),
    "filings:breaches:detail": (
        lambda w: f"/filings/breaches/{w.fil_breach.pk}/detail/", _x_record()),
    "filings:unfiled:index": (lambda w: "/filings/unfiled/", _CIVIL_AFFAIRS),
    "filings:unfiled:list": (lambda w: "/filings/unfiled/", _CIVIL_AFFAIRS),
    "filings:unfiled:export": (lambda w: "/filings/unfiled/export/?format=xlsx", _CIVIL_AFFAIRS),
    "filings:unfiled:detail": (
        lambda w: f"/filings/unfiled/{w.inst_unfiled.pk}/detail/", _x_record()),
    "filings:unfiled:report": (lambda w: f"/filings/unfiled/{w.inst_unfiled.pk}/report/",
                               statuses(405, anonymous=302, fire_inspector_x=403)),
    **_node_rows(),
}

# POSTs that change things: what each persona gets (the change itself is tested in test_filing_*).
POSTS = {
    "filings:portal:start": (lambda w: "/filings/portal/start/change/",
                             statuses(403, anonymous=302, operator_p=302, operator_q=302)),
    "filings:portal:filing": (lambda w: f"/filings/portal/{w.fil_returned.pk}/",
                              statuses(403, anonymous=302, operator_p=404, operator_q=302),
                              lambda w: {"action": "save", "f-contact_person": "赵六"}),
    "filings:unfiled:report": (lambda w: f"/filings/unfiled/{w.inst_unfiled.pk}/report/",
                               statuses(403, anonymous=302, inspector_y=404, planner_x=302),
                               lambda w: {"found_on": "2026-11-20"}),
    "filings:check:execute": (_task_url("check", "execute"),
                              {p: (403 if s == 200 else s) for p, s in _process_in_reach(_x_filing).items()}),
}
