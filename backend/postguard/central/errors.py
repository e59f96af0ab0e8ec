"""Errors of central's store, turned into JSON answers by app.py."""


class StoreError(Exception):
    """A refused operation; ``code`` is stable, ``message`` safe to show."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
