"""Hypothesis profiles: the usual one, and a small one for mutation runs.

A property test that names its own number of examples takes it through
:func:`examples`, so that ``scripts/mutation.py`` (which sets
``KIOSK_HYPOTHESIS_PROFILE=mutation`` and runs the tests once per mutant) can run
fewer of them; any other run gets the number the test names.
"""

from __future__ import annotations

import os

PROFILE_VARIABLE = "KIOSK_HYPOTHESIS_PROFILE"
MUTATION = "mutation"
MUTATION_EXAMPLES = 10


def examples(n: int) -> int:
    """``n``, or at most MUTATION_EXAMPLES under the mutation profile."""
    if os.environ.get(PROFILE_VARIABLE) == MUTATION:
        return min(n, MUTATION_EXAMPLES)
    return n
