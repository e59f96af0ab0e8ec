"""Central mode: publishes signed rule bundles to enrolled local services.

A separate Flask app (``postguard central serve``) with its own database. It
never holds the signing key: admins sign offline and upload the envelope, which
central verifies against its pinned keys before any device can fetch it.
"""
