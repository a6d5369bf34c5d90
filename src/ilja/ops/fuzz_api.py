"""Schemathesis against the OpenAPI document, in process, as every role with a bearer token.

For each operation and each role (and anonymous) Hypothesis draws requests from the schema;
every response must not be a 5xx and must match its documented schema, and a role whose
permissions do not include the route's must get 403 (anonymous 401), whatever the input — so no
role reaches data it should not. Failures are collected (first per operation and role), not
shrunk, so a bounded run stays bounded.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

from ilja.accounts.deps import authenticated, requires
from ilja.accounts.roles import Role, has_permission
from ilja.ops.log_scan import captured_logs
from ilja.ops.routes import routes
from ilja.ops.site import Site, environment
from ilja.web.app import create_app


@dataclass
class FuzzReport:
    cases: int = 0
    operations: int = 0
    statuses: Counter = field(default_factory=Counter)
    by_role: Counter = field(default_factory=Counter)  # cases sent as each role ("anonymous")
    failures: list[str] = field(default_factory=list)
    # Operations that answered a 422 the document does not describe (``ilja.web.openapi``):
    # listed here for the summary, and failures like any other schema violation.
    undocumented_422: set[str] = field(default_factory=set)
    seconds: float = 0.0
    cut_short: int = 0  # (operation, role) runs stopped by the time budget before their examples

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def server_errors(self) -> int:
        return self.statuses[500]


# Log-in (random passwords would only lock the fuzzers out) and what ends or changes an account's
# tokens (its own revocation, an administrator's deactivation, revocation, role change, person link
# and grant decision: the fuzzing accounts' later cases would all get 401); tests/accounts covers them.
SKIPPED = ("/api/v1/auth/token", "/api/v1/users/me/tokens/{token_id}", "/api/v1/users/{user_id}/active",
           "/api/v1/users/{user_id}/revocations", "/api/v1/users/{user_id}/role",
           "/api/v1/users/{user_id}/person", "/api/v1/users/{user_id}/grant")


def _expected_refusal(access: object, role: str | None) -> int | None:
    """The status this caller must get whatever it sends, or None when it may get in."""
    if isinstance(access, requires | authenticated) and role is None:
        return 401
    if isinstance(access, requires) and not has_permission(Role(role), access.permission):
        return 403
    return None


def fuzz_api(site: Site, *, examples: int = 3, refused_examples: int = 1, seed: int = 0,
             budget_seconds: float | None = None, skip: tuple[str, ...] = SKIPPED,
             shard: tuple[int, int] = (0, 1)) -> FuzzReport:
    """Fuzz every operation (of this ``shard``: (index, count) takes every count-th one) as every
    role, ``examples`` cases where the role may get in and ``refused_examples`` where it may not."""
    # lazy: optional heavy dependency (schemathesis), loaded only when this feature runs
    import schemathesis

    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", site.app)
    access = {(method, r.path): r.access for r in routes(site.app) for method in r.methods}
    report = FuzzReport()
    started = time.monotonic()
    callers: list[str | None] = [None, *[r.value for r in Role]]
    operations = [result.ok() for number, result in enumerate(schema.get_all_operations())
                  if number % shard[1] == shard[0]]
    operations = [o for o in operations if o.path not in skip]
    slots = len(operations) * len(callers)
    for number, operation in enumerate(operations):
        report.operations += 1
        rule = access.get((operation.method.upper(), operation.path))
        for index, role in enumerate(callers):
            # Within a budget each (operation, role) is done by its share of the time (after one
            # case at least), what a quick one leaves passing on: a slow machine gets fewer cases
            # of every kind, not none of the last operations.
            slot = number * len(callers) + index + 1
            due = None if budget_seconds is None else started + budget_seconds * slot / slots
            refusal = _expected_refusal(rule, role)
            headers = site.bearer(role) if role else {}
            seen: list[str] = []

            run = _runner(operation, role, refusal, headers, seen, report, due)
            test = settings(max_examples=refused_examples if refusal else examples, database=None,
                            derandomize=True, deadline=None, phases=(Phase.explicit, Phase.generate),
                            suppress_health_check=list(HealthCheck))(given(case=operation.as_strategy())(run))
            try:
                test()
            except _OutOfTime:
                report.cut_short += 1
    report.seconds = time.monotonic() - started
    return report


class _OutOfTime(BaseException):
    """This (operation, role)'s share of the budget is spent: stop its cases (a BaseException,
    so Hypothesis lets it through instead of reporting a failed case)."""


def merged(reports: list[FuzzReport]) -> FuzzReport:
    """One report of shards run side by side (their time is the longest one's)."""
    total = FuzzReport()
    for report in reports:
        total.cases += report.cases
        total.operations += report.operations
        total.statuses.update(report.statuses)
        total.by_role.update(report.by_role)
        total.failures.extend(report.failures)
        total.undocumented_422 |= report.undocumented_422
        total.seconds = max(total.seconds, report.seconds)
        total.cut_short += report.cut_short
    return total


def _fuzz_shard(spec: dict) -> None:
    """One shard in a process of its own (``python -m ilja.ops.fuzz_api`` with ``spec`` as JSON
    on its input): its report pickled to ``spec["out"]``, the app's log records to ``spec["log"]``."""
    url, data_dir = spec["url"], Path(spec["data_dir"])
    options = {**spec["options"], "shard": tuple(spec["options"]["shard"])}
    with environment(url, data_dir), captured_logs(Path(spec["log"])):
        app = create_app()
        app.state.database_url = url
        report = fuzz_api(Site(app, url, data_dir, spec["tokens"], spec["ids"]), **options)
    Path(spec["out"]).write_bytes(pickle.dumps(report))


def fuzz_in_processes(url: str, data_dir: Path, tokens: dict[str, str], ids: dict[str, int], *,
                      processes: int = 2, log_dir: Path, **options) -> FuzzReport:
    """``fuzz_api`` split by operation over ``processes`` child processes (one core each: the
    generation and the app share one interpreter lock), each with its own app on ``url``;
    the app's log records of shard n go to ``log_dir/fuzz-n.log``."""
    children = []
    try:
        for n in range(processes):
            spec = {"url": url, "data_dir": str(data_dir), "tokens": tokens, "ids": ids,
                    "log": str(log_dir / f"fuzz-{n}.log"), "out": str(log_dir / f"fuzz-{n}.report"),
                    "options": {**options, "shard": [n, processes]}}
            child = subprocess.Popen([sys.executable, "-m", "ilja.ops.fuzz_api"], stdin=subprocess.PIPE, text=True)
            child.stdin.write(json.dumps(spec))  # the tokens stay off the command line
            child.stdin.close()
            children.append((child, Path(spec["out"])))
        for child, _ in children:
            if child.wait():
                raise RuntimeError(f"a fuzz shard exited with status {child.returncode}")
        return merged([pickle.loads(out.read_bytes()) for _, out in children])
    finally:
        for child, _ in children:
            if child.poll() is None:
                child.kill()
                child.wait()


def _summary(exc: BaseException) -> str:
    """The first lines of each failed check (schemathesis raises a group with a long report)."""
    parts = []
    for inner in getattr(exc, "exceptions", None) or [exc]:
        text = [line.strip() for line in str(inner).splitlines() if line.strip()]
        parts.append(" / ".join(text[:3])[:240])
    return "; ".join(parts)


def _documents(operation, status: int) -> bool:
    """Whether the document gives a body for ``status`` (schemathesis passes a status the document
    does not list without looking at the body)."""
    definition = operation.responses.find_by_status_code(status)
    return definition is not None and bool(definition.definition.get("content"))


def _runner(operation, role, refusal, headers, seen, report, due=None):
    # lazy: optional heavy dependency (schemathesis), loaded only when this feature runs
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    done = []

    def run(case):
        if done and due is not None and time.monotonic() > due:  # each gets one case at least
            raise _OutOfTime
        done.append(1)
        report.cases += 1
        report.by_role[role or "anonymous"] += 1
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # noqa: BLE001 - the app raised: a 500 for the caller
            report.statuses[500] += 1
            problem = f"500 (the app raised {type(exc).__name__}: {str(exc)[:160]})"
            response = None
        else:
            report.statuses[response.status_code // 100 * 100] += 1
            problem = None
        if response is None:
            pass
        elif refusal is not None and response.status_code != refusal:
            problem = f"expected {refusal}, got {response.status_code}"
        else:
            try:
                case.validate_response(response, checks=[not_a_server_error,
                                                          response_schema_conformance])
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - a failed check, any type
                problem = _summary(exc)
            if not problem and response.status_code >= 400 and not _documents(operation, response.status_code):
                problem = f"{response.status_code} has no documented body"
            if problem and response.status_code == 422:
                report.undocumented_422.add(f"{operation.method.upper()} {operation.path}")
        if problem and not seen:
            seen.append(problem)
            report.failures.append(f"{operation.method.upper()} {operation.path} as "
                                   f"{role or 'anonymous'}: {problem} "
                                   f"[{case.path_parameters} {case.query} {str(case.body)[:120]}]")

    return run


if __name__ == "__main__":
    import json
    import sys

    from ilja.ops import fuzz_api  # the module by its name, so the pickled report is ilja.ops's

    fuzz_api._fuzz_shard(json.loads(sys.stdin.read()))
