"""One ReDoS verdict cache for the rules tests."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def redos_cache_home(request, tmp_path_factory):
    """recheck's verdicts go to pytest's cache directory, not the user's
    ~/.cache: a later run reuses them (they are keyed by recheck's version, its
    parameters and the pattern), a fresh clone analyses every pattern once."""
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        home = cache.mkdir("postguard-xdg-cache")
    else:
        home = tmp_path_factory.mktemp("xdg-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(home))
        yield home
