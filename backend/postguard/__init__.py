"""PostGuard: catch leaks in social-media posts before they go out.

The package stays import-light: the engine, the CLI and the Flask service each live
in their own module, so ``postguard scan`` never pays for Flask.
"""

__version__ = "0.2.0"
