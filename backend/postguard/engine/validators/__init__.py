"""Validators: checks that run on a regex candidate after it matched.

Each module here defines ``NAME``, ``RUNTIMES`` (``python`` and, when the JS twin has
it too, ``js``), ``DEFAULT_BOOST`` (score points added on a pass) and
``validate(value, params) -> bool``. Modules are discovered by name, so adding a
validator is one file here, one in ``extension/src/engine/validators/`` and a vector
file in ``shared_rules/vectors/``; the registry test fails until all agree.
"""

from ..registry import discover


def digits_of(value: str) -> str:
    return "".join(c for c in value if "0" <= c <= "9")


REGISTRY = discover(__name__, __path__)  # after digits_of: validator modules import it
