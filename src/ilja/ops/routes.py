"""The route table as the attack checks walk it: every route with its methods, the access rule it
declares, a role allowed through, and its path and string query parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from ilja.accounts.deps import authenticated, public, requires
from ilja.accounts.roles import Role, has_permission

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# The role tried first for a permission: staff before citizens, the widest staff role last.
ROLE_ORDER = [Role.PROGRAM_MANAGER, Role.OPERATOR, Role.JOB_COORDINATOR, Role.AUDITOR, Role.ADMIN,
              Role.CITIZEN]


def declared(dependant) -> list[object]:
    found = []
    for sub in dependant.dependencies:
        if isinstance(sub.call, requires | public | authenticated):
            found.append(sub.call)
        found.extend(declared(sub))
    return found


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: tuple[str, ...]
    access: object | None  # requires(...) | public() | authenticated() | None
    path_params: tuple[str, ...]
    str_query_params: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    def role(self) -> Role | None:
        """A role this route lets in (None: anonymous will do)."""
        if isinstance(self.access, requires):
            return next((r for r in ROLE_ORDER if has_permission(r, self.access.permission)), None)
        if isinstance(self.access, authenticated):
            return Role.PROGRAM_MANAGER
        return None

    def concrete(self, values: dict[str, str] | None = None, default: str = "1") -> str:
        values = values or {}
        return re.sub(r"\{([^}:]+)(:[^}]*)?\}", lambda m: values.get(m.group(1), default), self.path)


def _is_str(field) -> bool:
    annotation = getattr(field.field_info, "annotation", None)
    return annotation is str or repr(annotation) in ("str | None", "typing.Optional[str]")


def routes(app: FastAPI) -> list[RouteInfo]:
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        rules = declared(route.dependant)
        access = next((r for r in rules if isinstance(r, requires)), rules[0] if rules else None)
        query = tuple(f.alias for f in route.dependant.query_params if _is_str(f))
        params = tuple(f.name for f in route.dependant.path_params)
        found.append(RouteInfo(context.path, tuple(sorted(route.methods - {"HEAD"})), access, params, query))
    return found
