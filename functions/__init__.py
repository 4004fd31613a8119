"""Satu Pintu's Lambda functions (submit, queue, issue, notify) and the modules they share.

Every handler's import starts here, so this is where two Powertools packages are registered to run their `__init__`
(which imports every resolver and event class Powertools has) only if a name of theirs needs it: see
functions/shared/lean_imports.py.
"""

from functions.shared.lean_imports import defer_powertools_inits

defer_powertools_inits()
