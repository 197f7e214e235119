"""The text rule (library.text_rules) for every query and path parameter a route declares.

An app-wide dependency, so every route has it, the API's and the web pages', and those added
later: a refused value is a RequestValidationError naming the parameter, which the API answers as
a 422 invalid_request and a page as its bad-parameter page. Undeclared parameters never reach the
database and are left alone.
"""

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from procex.exchange.library.text_rules import printable, text_problem

_DECLARED: dict[int, tuple[object, tuple[tuple[str, ...], tuple[str, ...]]]] = {}


def _declared(route) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(query parameter names, path parameter names) the route declares, walked once per route."""
    known = _DECLARED.get(id(route))
    if known is None or known[0] is not route:
        known = (route, _walk(route))
        _DECLARED[id(route)] = known
    return known[1]


def _walk(route) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(query parameter names, path parameter names) the route declares (a walk over a few fields)."""
    query, path, pending = [], [], [route.dependant]
    while pending:  # the route's parameters and its dependencies' (Dependant's public fields)
        dependant = pending.pop()
        query += [field.alias for field in dependant.query_params]
        path += [field.alias for field in dependant.path_params]
        pending += dependant.dependencies
    return tuple(dict.fromkeys(query)), tuple(dict.fromkeys(path))


async def declared_parameters_follow_the_text_rule(request: Request) -> None:
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    query_names, path_names = _declared(route)
    problems = []
    for name in query_names:
        for value in request.query_params.getlist(name):
            problem = text_problem(value)
            if problem:
                problems.append(
                    {"loc": ("query", name), "msg": problem, "type": "text_invalid", "input": printable(value)}
                )
    for name in path_names:
        part = request.path_params.get(name)
        if not isinstance(part, str):
            continue
        problem = text_problem(part)
        if problem:
            problems.append({"loc": ("path", name), "msg": problem, "type": "text_invalid", "input": printable(part)})
    if problems:
        raise RequestValidationError(problems)
