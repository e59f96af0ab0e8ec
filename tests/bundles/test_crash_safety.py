"""Kill -9 while the last-known-good bundle is being written, at many points:
what is on disk is always one whole signed bundle, the old or the new one.

A child process writes two real signed bundles (about 1 MB each) in turn with the
service's writer (``write_atomic``, what ``BundleUpdater`` uses for its copy) until
it is killed at a random moment; the file is then read and verified.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

from bundle_support import NOW
from bundle_support import bundle_with_canary_rule
from bundle_support import packaged_bundle
from bundle_support import signed

from postguard import bundle_signing as bs

ROUNDS = 30
WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from postguard.atomic_file import write_atomic
    target, first, second = (Path(p) for p in sys.argv[1:4])
    bundles = [first.read_bytes(), second.read_bytes()]
    Path(str(target) + ".ready").write_text("1")
    n = 0
    while True:
        write_atomic(target, bundles[n % 2], 0o600)
        n += 1
    """
)


def test_a_kill_mid_write_leaves_the_old_or_the_new_bundle(tmp_path, key):
    old = signed(packaged_bundle(), key, 1)
    new = signed(bundle_with_canary_rule(), key, 2)
    (tmp_path / "old.json").write_bytes(old)
    (tmp_path / "new.json").write_bytes(new)
    target = tmp_path / "home" / "signed-bundle.json"
    target.parent.mkdir()
    target.write_bytes(old)
    ready = tmp_path / "home" / "signed-bundle.json.ready"
    chance = random.Random(11)
    seen = set()
    for _ in range(ROUNDS):
        ready.unlink(missing_ok=True)
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                str(target),
                *(str(tmp_path / n) for n in ("old.json", "new.json")),
            ],
            env=os.environ.copy(),
        )
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.005)
        assert ready.exists(), "the writer never started"
        time.sleep(chance.uniform(0.0, 0.06))
        child.send_signal(signal.SIGKILL)
        child.wait()
        data = target.read_bytes()
        assert data in (old, new), f"a torn bundle of {len(data)} bytes"
        verified = bs.verify(data, [key.public_key()], NOW, 0)
        seen.add(verified.header.version)
    assert seen == {1, 2}, "the kills never fell between two different writes"
