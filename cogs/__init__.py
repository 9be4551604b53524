"""Discord-facing and thin: one module per feature. Parse the interaction, call a service, render, reply.

Every module here that defines `async def setup(bot)` is loaded as an extension at start.
"""

from __future__ import annotations

import importlib
import pkgutil


def extension_names() -> list[str]:
    """Every cogs.<module> that defines a setup() entry point, in name order."""
    names = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if callable(getattr(module, "setup", None)):
            names.append(module.__name__)
    return sorted(names)
