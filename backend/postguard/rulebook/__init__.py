"""Rule authoring: load YAML rules, lint them, run their examples, build the bundle.

This is admin tooling, separate from the engine: the engine only ever reads the
compiled bundle.
"""
