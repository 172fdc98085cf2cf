"""Amplify in the sandbox: ListJobs of a branch, and the discovery operations jobctl uses to
find branches and backend environments (ListApps, ListBranches, ListBackendEnvironments).

Apps, branches and backend environments are defined here; AmplifyBackend's jobs hang under
the environments (see amplify_backend.py).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from jobctl.sandbox import datafile, demo
from jobctl.sandbox.records import DataError
from jobctl.sandbox.service import (
    Call,
    DemoContext,
    Errors,
    Example,
    JobPlace,
    Kind,
    MoveContext,
    Moving,
    Operation,
    Parent,
    SandboxService,
    Section,
    Selection,
    Store,
)

APP_ID_PATTERN = re.compile(r"d[a-z0-9]+")
APPS = {
    "storefront-web": ("main", "develop", "feature/checkout-v2"),
    "docs-portal": ("main", "staging"),
    "admin-console": ("main", "release/2026.11"),
}
COMMITS = (
    "Fix rounding of cart totals",
    "Add dark mode toggle",
    "Bump next from 14.2.3 to 14.2.5",
    "Merge pull request #{n} from example-org/feature/search",
    "Refactor product grid into server components",
    "Update amplify.yml to cache node_modules",
    'Revert "Enable edge middleware"',
    "Translate checkout into German and French",
    "chore: lint",
    "Improve LCP on the landing page",
)
COMMIT_BODIES = (
    "The previous float arithmetic drifted by a cent on some baskets.\nUse integer cents.",
    "Closes #{n}.",
    "Co-authored-by: Dana Lee <dana@example.com>",
    "Signed-off-by: Sam Park <sam@example.com>\n\nRefs: JIRA-{n}",
)
TERMINAL = ("SUCCEED", "FAILED", "CANCELLED")

# -- resources ------------------------------------------------------------------------------


def _complete_app(
    app: dict[str, Any],
    region: str,
    container: dict[str, Any] | None,
    anchor: datetime,
    account: str,
) -> dict[str, Any]:
    app_id = app["appId"]
    defaults = {
        "appArn": f"arn:aws:amplify:{region}:{account}:apps/{app_id}",
        "name": app_id,
        "description": "",
        "repository": "",
        "platform": "WEB",
        "createTime": anchor,
        "updateTime": app.get("createTime", anchor),
        "environmentVariables": {},
        "defaultDomain": f"{app_id}.amplifyapp.com",
        "enableBranchAutoBuild": False,
        "enableBasicAuth": False,
    }
    return {**defaults, **app}


def _complete_branch(
    branch: dict[str, Any],
    region: str,
    app: dict[str, Any] | None,
    anchor: datetime,
    account: str,
) -> dict[str, Any]:
    assert app is not None
    name = branch["branchName"]
    defaults = {
        "branchArn": f"{app['appArn']}/branches/{quote(name, safe='')}",
        "description": "",
        "stage": "PRODUCTION" if name in ("main", "master") else "DEVELOPMENT",
        "displayName": name.replace("/", "-"),
        "enableNotification": False,
        "createTime": app["createTime"],
        "updateTime": branch.get("createTime", app["createTime"]),
        "environmentVariables": {},
        "enableAutoBuild": True,
        "customDomains": [],
        "framework": "React",
        # activeJobId and totalNumberOfJobs are computed from the jobs when listed.
        "enableBasicAuth": False,
        "ttl": "5",
        "enablePullRequestPreview": False,
    }
    return {**defaults, **branch}


def _complete_environment(
    env: dict[str, Any],
    region: str,
    app: dict[str, Any] | None,
    anchor: datetime,
    account: str,
) -> dict[str, Any]:
    assert app is not None
    name = env["environmentName"]
    defaults = {
        "backendEnvironmentArn": f"{app['appArn']}/backendenvironments/{name}",
        "stackName": f"amplify-{app['appId']}-{name}",
        "deploymentArtifacts": f"amplify-{app['appId']}-{name}-deployment",
        "createTime": app["createTime"],
        "updateTime": env.get("createTime", app["createTime"]),
    }
    return {**defaults, **env}


KINDS = (
    Kind("app", "appId", ("amplify", "ListApps", "apps"), _complete_app),
    Kind(
        "branch",
        "branchName",
        ("amplify", "ListBranches", "branches"),
        _complete_branch,
        container="app",
    ),
    Kind(
        "environment",
        "environmentName",
        ("amplify", "ListBackendEnvironments", "backendEnvironments"),
        _complete_environment,
        container="app",
    ),
)


def _complete(job: dict[str, Any], place: JobPlace) -> dict[str, Any]:
    app_id, branch = place.parent
    arn = f"arn:aws:amplify:{place.region}:{place.account}:apps/{app_id}"
    return {
        "jobArn": f"{arn}/branches/{quote(branch, safe='')}/jobs/{job['jobId']}",
        "commitId": "HEAD",
        "commitMessage": "",
        "commitTime": job["startTime"],
        "jobType": "RELEASE",
        **job,
    }


# -- operations -----------------------------------------------------------------------------


def require_app(call: Call, app_id: str) -> None:
    """An unknown app is the calling service's not-found error (both Amplify APIs)."""
    if app_id not in call.resources("app"):
        raise call.not_found(f"App {app_id} not found.")


def _list_jobs(call: Call) -> Selection:
    app_id, branch = call.params["appId"], call.params["branchName"]
    require_app(call, app_id)
    if (app_id, branch) not in call.resources("branch"):
        raise call.not_found(f"Branch {branch} not found for app {app_id}.")
    return Selection([app_id, branch], call.newest_first(call.jobs((app_id, branch))))


def _list_apps(call: Call) -> Selection:
    apps = call.resources("app").values()
    return Selection([], [((app["name"], app["appId"]), app) for app in apps])


def _list_branches(call: Call) -> Selection:
    app_id = call.params["appId"]
    require_app(call, app_id)
    entries = []
    for (app, name), branch in call.resources("branch").items():
        if app == app_id:
            jobs = call.newest_first(call.jobs((app, name)))
            # The branch's job counters are derived from its jobs, as the service keeps them.
            counters = {"totalNumberOfJobs": str(len(jobs))}
            counters["activeJobId"] = min(jobs, key=lambda e: e[0])[1]["jobId"] if jobs else "0"
            entries.append(((name,), {**branch, **counters}))
    return Selection([app_id], entries)


def _list_environments(call: Call) -> Selection:
    app_id, wanted = call.params["appId"], call.params.get("environmentName")
    require_app(call, app_id)
    entries = [
        ((name,), env)
        for (app, name), env in call.resources("environment").items()
        if app == app_id and wanted in (None, name)
    ]
    return Selection([app_id, wanted], entries)


OPERATIONS = (
    Operation("ListJobs", _list_jobs, default_page_size=50),
    Operation("ListApps", _list_apps, default_page_size=100),
    Operation("ListBranches", _list_branches, default_page_size=50),
    Operation(
        "ListBackendEnvironments",
        _list_environments,
        default_page_size=50,
        pagination={
            "input_token": "nextToken",
            "output_token": "nextToken",
            "limit_key": "maxResults",
            "result_key": "backendEnvironments",
        },
    ),
)

# -- demo data ------------------------------------------------------------------------------


def _demo(ctx: DemoContext) -> None:
    rng, data, region = ctx.rng, ctx.data, ctx.region
    parents = []
    for app_name, branches in APPS.items():
        app_id = "d" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=13))
        data.add_resource(
            "app",
            {
                "appId": app_id,
                "name": app_name,
                "description": f"{app_name.replace('-', ' ').title()} ({region})",
                "repository": f"https://github.com/example-org/{app_name}",
                "platform": "WEB_COMPUTE" if app_name == "storefront-web" else "WEB",
                "createTime": ctx.anchor - timedelta(days=400 + rng.randrange(300)),
                "tags": {"team": "web"},
            },
            region=region,
        )
        parents += [(app_id, branch) for branch in branches]
        for env in ("staging", "prod"):
            data.add_resource("environment", {"environmentName": env}, region=region, parent=app_id)
    plans = demo.statuses(
        rng, demo.in_flight(SANDBOX), TERMINAL, demo.split(ctx.count, len(parents), rng)
    )
    for (app_id, branch), plan in zip(parents, plans, strict=True):
        times = ctx.timeline(len(plan), minutes=(20, 600))
        for number, (status, start) in enumerate(zip(plan, times, strict=True)):
            job: dict[str, Any] = {
                "jobId": f"{len(plan) - number:010d}",  # newest job has the highest ID
                "status": status,
                "startTime": start,
                "commitTime": start - timedelta(minutes=rng.randrange(1, 90)),
                "jobType": rng.choices(("WEB_HOOK", "RELEASE", "RETRY", "MANUAL"), (14, 2, 2, 2))[
                    0
                ],
            }
            if job["jobType"] == "MANUAL":
                job |= {"commitId": "HEAD", "commitMessage": "Manual deployment"}
                zipped = rng.random() < 0.5
                job["sourceUrlType"] = "ZIP" if zipped else "BUCKET_PREFIX"
                job["sourceUrl"] = (
                    f"https://deploy.example.com/{app_id}/build-{number}.zip"
                    if zipped
                    else f"s3://example-deploys/{app_id}/{branch}/"
                )
            else:
                job |= {"commitId": f"{rng.getrandbits(160):040x}", "commitMessage": _commit(rng)}
            if status in TERMINAL:
                job["endTime"] = start + timedelta(seconds=rng.randrange(90, 1500))
            data.add_job(SANDBOX.name, job, region=region, parent=(app_id, branch))


def _commit(rng: Any) -> str:
    subject = rng.choice(COMMITS).format(n=rng.randrange(100, 999))
    if rng.random() < 0.6:
        return f"{subject}\n\n{rng.choice(COMMIT_BODIES).format(n=rng.randrange(100, 999))}"
    return subject


# -- the data file --------------------------------------------------------------------------


def app_id_of(app: Any, where: str) -> str:
    """The app ID of a data file's app object, checked as Amplify spells them."""
    datafile.expect(app, dict, where)
    app_id = app.get("appId")
    if not isinstance(app_id, str) or not APP_ID_PATTERN.fullmatch(app_id):
        raise DataError(
            f"{where}.appId: expected an Amplify app ID like d1a2b3c4d5e6f7, got {app_id!r}"
        )
    return app_id


def _load(data: Store, region: str, section: dict[str, Any], path: str) -> None:
    datafile.only(section, {"apps"}, path)
    for i, app in enumerate(datafile.items(section, "apps", path)):
        where = f"{path}.apps[{i}]"
        app_id = app_id_of(app, where)
        branches = app.pop("branches", [])
        datafile.wrap(where, data.add_resource, "app", app, region=region)
        datafile.expect(branches, list, f"{where}.branches")
        for j, branch in enumerate(branches):
            bwhere = f"{where}.branches[{j}]"
            datafile.expect(branch, dict, bwhere)
            branch = dict(branch)
            jobs = branch.pop("jobs", [])
            added = datafile.wrap(
                bwhere, data.add_resource, "branch", branch, region=region, parent=app_id
            )
            parent = (app_id, added["branchName"])
            datafile.add_jobs(data, SANDBOX.name, jobs, parent, region, bwhere)


def _moving(ctx: MoveContext) -> Moving:
    """A push to the busiest branch, built and deployed in one to two minutes."""
    rng = ctx.rng
    start = ctx.at(0)
    job = {
        "jobId": f"{ctx.existing + ctx.number + 1:010d}",
        "status": "PENDING",
        "startTime": start,
        "commitTime": start - timedelta(seconds=rng.randrange(20, 900)),
        "jobType": "WEB_HOOK",
        "commitId": f"{rng.getrandbits(160):040x}",
        "commitMessage": _commit(rng),
    }
    provisioning = rng.uniform(5, 12)
    running = provisioning + rng.uniform(10, 20)
    done = running + rng.uniform(45, 88)
    final = "SUCCEED" if rng.random() < 0.75 else "FAILED"
    steps = (
        (provisioning, {"status": "PROVISIONING"}),
        (running, {"status": "RUNNING"}),
        (done, {"status": final, "endTime": ctx.at(done)}),
    )
    return Moving(ctx.parent, job, steps)


def _examples(parents: Mapping[str, list[Any]]) -> list[Example]:
    if not parents.get(SANDBOX.name):
        return []
    app, branch = (shlex.quote(part) for part in parents[SANDBOX.name][0])
    return [
        Example(
            f"jobctl amplify --app-id {app} --branch {branch}",
            f"aws amplify list-jobs --app-id {app} --branch-name {branch}",
        )
    ]


SANDBOX = SandboxService(
    name="amplify",
    botocore_name="amplify",
    list_operation="ListJobs",
    id_member="jobId",
    status_member="status",
    created_member="startTime",
    errors=Errors(
        validation="BadRequestException",
        token="BadRequestException",
        not_found=("NotFoundException", 404),
        throttle=("LimitExceededException", 429),
        server_error=("InternalFailureException", 500),
    ),
    operations=OPERATIONS,
    required=("jobId", "status", "startTime"),
    kinds=KINDS,
    parent=Parent("branch", ("appId", "branchName")),
    complete=_complete,
    terminal=TERMINAL,
    demo=_demo,
    section=Section("amplify", _load),
    moving=_moving,
    examples=_examples,
)
