"""Satu Pintu's Lambda functions (submit, queue, issue, notify) and the modules they share.

Every handler's import starts here, so this is where a cold start is made cheaper before anything else is imported:
the code the standard library would compile from text is taken from the build's file when there is one
(functions/shared/generated_code.py), and two Powertools packages are registered to run their `__init__` (which
imports every resolver and event class Powertools has) only if a name of theirs needs it
(functions/shared/lean_imports.py).
"""

from functions.shared.generated_code import use as use_generated_code
from functions.shared.lean_imports import defer_powertools_inits

use_generated_code()
defer_powertools_inits()
