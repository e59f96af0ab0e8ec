"""The keys of hashed confidential-term lists, on the laptop.

Central hands a device the key a bundle names (``GET /api/v1/device/terms-keys/
<key_id>``); the service keeps it in ``HOME/terms-keys.json`` (mode 0600, written
atomically), never in the bundle and never in a log, and gives it to the
extension only over the token-signed local API. A few keys are kept, so a
rollback to the previous list finds its key without asking.
"""

from __future__ import annotations

import base64
import json
import threading
from pathlib import Path

from .atomic_file import write_atomic
from .engine.hashed_terms import key_id

FILE_NAME = "terms-keys.json"
KEEP = 3


class TermKeys:
    def __init__(self, home: str | Path) -> None:
        self.path = Path(home) / FILE_NAME
        self._lock = threading.Lock()

    def all(self) -> dict[str, bytes]:
        """key id -> key; a key whose id does not match it is left out."""
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            keys = {
                item["key_id"]: base64.b64decode(item["key"], validate=True)
                for item in saved["keys"]
            }
        except (OSError, ValueError, KeyError, TypeError):
            return {}
        return {kid: key for kid, key in keys.items() if key_id(key) == kid}

    def add(self, list_version: int, key: bytes) -> str:
        """Keep ``key`` (the newest KEEP by list version); returns its id."""
        kid = key_id(key)
        with self._lock:
            try:
                items = json.loads(self.path.read_text(encoding="utf-8"))["keys"]
            except (OSError, ValueError, KeyError, TypeError):
                items = []
            items = [item for item in items if item.get("key_id") != kid]
            items.append(
                {
                    "key_id": kid,
                    "list_version": list_version,
                    "key": base64.b64encode(key).decode(),
                }
            )
            items.sort(key=lambda item: item.get("list_version", 0))
            data = json.dumps({"keys": items[-KEEP:]}).encode()
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_atomic(self.path, data, 0o600)
        return kid
