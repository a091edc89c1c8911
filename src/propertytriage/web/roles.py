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

# The bodies that register disputes in the ledger (SPEC §6): they import cases, sheets and histories.
IMPORT_ROLES: frozenset[Role] = frozenset({"admin", "court", "mediation_center", "community"})

# Roles that see owners' ID numbers and phone numbers in full in a case's record: the court files and
# serves, the mediation center calls the parties. Every other role sees them masked (ledger/masking.py);
# lists (cases, due) are masked for every role, as on the command line.
PERSONAL_DATA_ROLES: frozenset[Role] = frozenset({"admin", "court", "mediation_center"})

# route name → roles admitted. Reading and stateless computation are for every role; scoring is for
# the evaluators (each with its own sheet) and the administrator; importing for the bodies that
# register disputes (an evaluator among them imports only its own sheets).
PERMISSIONS: dict[str, frozenset[Role]] = {
    "triage": EVERY_ROLE,
    "score": EVALUATOR_ROLES | {"admin"},
    "rubric": EVERY_ROLE,
    "forms": EVERY_ROLE,
    "whoami": EVERY_ROLE,
    "import": IMPORT_ROLES,
    "cases": EVERY_ROLE,
    "case": EVERY_ROLE,
    "due": EVERY_ROLE,
    "report": EVERY_ROLE,
}

# Routes served to anyone, without a token: the health check and the API description.
OPEN_ROUTES: frozenset[str] = frozenset({"healthz", "openapi"})
