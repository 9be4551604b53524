"""Run a bot in a subprocess against a FakeDiscord living in the test process.

Usage (cwd = repository root)::

    python -m simulator.run_bot package.module:function [args...]
    python -m simulator.run_bot path/to/script.py [args...]

Environment (see ``FakeDiscord.subprocess_env()``):

* ``FAKE_DISCORD_API``      REST base, e.g. ``http://127.0.0.1:PORT/api/v10`` (required)
* ``FAKE_DISCORD_GATEWAY``  gateway URL, e.g. ``ws://127.0.0.1:PORT/gateway`` (required)
* ``FAKE_DISCORD_CDN``      optional CDN base
* ``FAKE_DISCORD_GUILD_READY_TIMEOUT``  default ``guild_ready_timeout`` for clients (default 0.1)

discord.py is patched first, then the entry point runs: ``module:function`` is imported and called with no
arguments (``sys.argv[1:]`` holds the extra args); if it returns an awaitable it is run with ``asyncio.run``.
A ``.py`` path is executed with ``runpy`` as ``__main__``. The test process must keep its event loop running
(use ``asyncio.create_subprocess_exec``, not ``subprocess.run``) so the fake can answer.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import os
import runpy
import sys

if __package__:
    from .patching import patch_discord
else:  # executed as a path (python simulator/run_bot.py ...): import the package from the repository root.
    # This folder, first on sys.path, would make simulator/http.py shadow the standard library's http.
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    from simulator.patching import patch_discord


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    api = os.environ["FAKE_DISCORD_API"]
    gateway = os.environ["FAKE_DISCORD_GATEWAY"]
    patch_discord(
        api,
        gateway,
        cdn_url=os.environ.get("FAKE_DISCORD_CDN"),
        guild_ready_timeout=float(os.environ.get("FAKE_DISCORD_GUILD_READY_TIMEOUT", "0.1")),
    )
    target, rest = argv[0], argv[1:]
    if target.endswith(".py") or (os.path.sep in target and ":" not in target):
        sys.argv = [target, *rest]
        runpy.run_path(target, run_name="__main__")
        return 0
    module_name, _, func_name = target.partition(":")
    sys.argv = [target, *rest]
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    func = getattr(importlib.import_module(module_name), func_name or "main")
    result = func()
    if inspect.isawaitable(result):
        result = asyncio.run(result)  # type: ignore[arg-type]
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
