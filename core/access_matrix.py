"""Who reaches each address: declared beside the address, checked by one test (P5, P10).

Each `urls.py` wraps its patterns in `audience(...)`, stating what a GET gets for each
kind of visitor: anonymous, the customer who owns the object the URL names, another
customer, a contractor's person, and staff (by default, or per role). A resolver may
carry a rule instead, deciding for every pattern under it (the back office's rule lives
beside its site, in `staff.admin_site`). `config/tests/test_p5_authorisation_matrix.py`
walks the resolver with `patterns_declared`, requests every pattern as every visitor,
and fails on a pattern without a declaration or an outcome other than the declared one.

The kernel knows no roles: per-role outcomes are keyed by the role's value, which the
apps above take from `privacy.roles.Role`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from django.urls import URLPattern, URLResolver, get_resolver

from core.clauses import enforces

AUDIENCE_ATTRIBUTE = "fejzo_audience"


class Outcome(enum.StrEnum):
    """What a GET gets: the test tells them apart by status and, for redirects, by target."""

    ALLOWED = "allowed"  # 200
    REDIRECT = "redirect"  # 301/302 somewhere other than a sign-in page
    SIGN_IN = "sign_in"  # 302 to a sign-in page (the shop's, the portal's, the back office's)
    BAD_REQUEST = "bad_request"  # 400
    UNAUTHORISED = "unauthorised"  # 401: the API without a key
    FORBIDDEN = "forbidden"  # 403
    NOT_FOUND = "not_found"  # 404: also another customer's object, whose existence stays hidden
    METHOD_NOT_ALLOWED = "method_not_allowed"  # 405: the address takes only a POST
    UNAVAILABLE = "unavailable"  # 503
    # 403 to a GET from who may POST: a form that answers only a POST refuses a GET so.
    # Not a refusal of the visitor, so the matrix does not expect their POST refused.
    FORBIDDEN_GET = "forbidden_get"
    # A health probe: 200 or 503 by the state it reports, to whoever polls it.
    PROBE = "probe"

    def admits(self, got: str) -> bool:
        """Return whether an answer `got` is what this declared outcome expects."""
        if self is Outcome.PROBE:
            return got in (Outcome.ALLOWED, Outcome.UNAVAILABLE)
        if self is Outcome.FORBIDDEN_GET:
            return got == Outcome.FORBIDDEN
        return got == self


REFUSED = frozenset(
    {
        Outcome.SIGN_IN,
        Outcome.UNAUTHORISED,
        Outcome.FORBIDDEN,
        Outcome.NOT_FOUND,
    }
)


class Visitor(enum.StrEnum):
    ANONYMOUS = "anonymous"
    OWNER = "owner"  # customer A: the URL names A's order, address, case, request
    OTHER_CUSTOMER = "other_customer"  # customer B
    CONTRACTOR = "contractor"  # a contractor's person, assigned A's job; the API with its key
    STAFF = "staff"  # a staff member of one role, second factor passed


@dataclass(frozen=True)
class Audience:
    """The outcome of a GET for each visitor; `roles` overrides `staff` for a role's value."""

    anonymous: Outcome
    owner: Outcome
    other_customer: Outcome
    contractor: Outcome
    staff: Outcome
    roles: Mapping[str, Outcome] = field(default_factory=dict)

    def expected(self, visitor: Visitor, *, role: str | None = None) -> Outcome:
        """Return the declared outcome for this visitor (and, for staff, this role)."""
        if visitor is Visitor.STAFF and role is not None and role in self.roles:
            return self.roles[role]
        return {
            Visitor.ANONYMOUS: self.anonymous,
            Visitor.OWNER: self.owner,
            Visitor.OTHER_CUSTOMER: self.other_customer,
            Visitor.CONTRACTOR: self.contractor,
            Visitor.STAFF: self.staff,
        }[visitor]


def everyone(outcome: Outcome) -> Audience:
    """Return the audience where every visitor gets the same outcome."""
    return Audience(
        anonymous=outcome,
        owner=outcome,
        other_customer=outcome,
        contractor=outcome,
        staff=outcome,
    )


# A page for anyone: the catalogue, the policy, the contact form.
PUBLIC = everyone(Outcome.ALLOWED)
# A page about the signed-in person themselves (their profile, their list of orders):
# whoever is signed in sees their own; anonymous visitors are sent to sign in.
SIGNED_IN_OWN = Audience(
    anonymous=Outcome.SIGN_IN,
    owner=Outcome.ALLOWED,
    other_customer=Outcome.ALLOWED,
    contractor=Outcome.ALLOWED,
    staff=Outcome.ALLOWED,
)
# One customer's object: the owner sees it, everyone else signed in gets the same 404
# as for an object that does not exist.
OWNER_ONLY = Audience(
    anonymous=Outcome.SIGN_IN,
    owner=Outcome.ALLOWED,
    other_customer=Outcome.NOT_FOUND,
    contractor=Outcome.NOT_FOUND,
    staff=Outcome.NOT_FOUND,
)

AudienceRule = Callable[[str, URLPattern], Audience | None]
Declared = Audience | AudienceRule
Pattern = TypeVar("Pattern", URLPattern, URLResolver)


def audience(pattern: Pattern, declared: Declared) -> Pattern:
    """Declare who reaches this pattern (or, with a rule, every pattern under a resolver)."""
    setattr(pattern, AUDIENCE_ATTRIBUTE, declared)
    return pattern


@dataclass(frozen=True)
class DeclaredPattern:
    route: str  # the full route, as the resolver spells it
    name: str  # namespaced ("orders:detail"), or the route where the pattern has no name
    pattern: URLPattern
    audience: Audience | None


@enforces("P5", "every address declares who may reach it, and a test holds it to that")
def patterns_declared(
    patterns: list[URLPattern | URLResolver] | None = None,
) -> Iterator[DeclaredPattern]:
    """Walk every URL pattern with its declaration: its own, else its nearest resolver's."""
    yield from _walk(
        patterns if patterns is not None else get_resolver().url_patterns, "", "", None
    )


def _walk(
    patterns: list[URLPattern | URLResolver],
    prefix: str,
    namespace: str,
    inherited: Declared | None,
) -> Iterator[DeclaredPattern]:
    for entry in patterns:
        declared: Declared | None = getattr(entry, AUDIENCE_ATTRIBUTE, None) or inherited
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner, declared)
            continue
        name = f"{namespace}{entry.name}" if entry.name else route
        found = declared(name, entry) if callable(declared) else declared
        yield DeclaredPattern(route=route, name=name, pattern=entry, audience=found)
