"""The tag a control wears: which clause of the privacy policy it keeps, and how.

`@enforces("P5", "reveals a field only for a live purpose")` above a function or class
says that this code keeps clause P5. The tag changes nothing at run time beyond
recording itself on the object; the compliance report finds the tags by reading the
source (`compliance.controls`), so a control counts whether or not its module was
imported. Where no function stands (settings, a template), a comment says the same:
`# enforces P6: why` or `{# enforces P15: why #}`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

# The policy's clauses are P1 to P16 (docs/policy-clauses.md); the report names them.
CLAUSE_ID = re.compile(r"P(?:[1-9]|1[0-6])")

Tagged = TypeVar("Tagged")


def enforces(clause: str, why: str) -> Callable[[Tagged], Tagged]:
    """Tag a function or class as a control that keeps `clause`; stack one per clause."""
    if not CLAUSE_ID.fullmatch(clause):
        raise ValueError(f"{clause!r} is not a clause of the policy (P1 to P16).")
    if not why.strip():
        raise ValueError(f"Say how this control keeps {clause}.")

    def tag(target: Tagged) -> Tagged:
        # The object's own tags, not inherited ones: a subclass is not the control.
        held = vars(target).get("__clauses__", ())
        target.__clauses__ = (*held, (clause, why))  # type: ignore[attr-defined]
        return target

    return tag
