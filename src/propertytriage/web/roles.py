"""Who may call what: the roles of SPEC §6 and the permission matrix, kept as data.

The matrix is the single source for three readers: the routes (each declares its permission through
:func:`propertytriage.web.auth.allowed`), ``docs/api.md`` (its table) and the test that tries every
role against every endpoint. A change of policy is one edit here.
"""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["admin", "court", "mediation_center", "housing_center", "owners_committee", "community"]
ROLES: tuple[Role, ...] = get_args(Role)

# The four bodies that fill in a scoring sheet (SPEC §2.3); such a role submits only its own sheet.
EVALUATOR_ROLES: frozenset[Role] = frozenset({"mediation_center", "housing_center", "owners_committee", "community"})

EVERY_ROLE: frozenset[Role] = frozenset(ROLES)

# route name → roles admitted. Reading and stateless computation are for every role; scoring is for
# the evaluators (each with its own sheet) and the administrator; importing (once the ledger serves
# it) for the bodies that register disputes.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "triage": EVERY_ROLE,
    "score": EVALUATOR_ROLES | {"admin"},
    "rubric": EVERY_ROLE,
    "forms": EVERY_ROLE,
    "whoami": EVERY_ROLE,
}

# Routes served to anyone, without a token: the health check and the API description.
OPEN_ROUTES: frozenset[str] = frozenset({"healthz", "openapi"})
