"""The one wiring place: the factory builds every service and both loops; no cog builds one or sets anything
on the bot (read from the source, so a new cog is held to it too)."""

from __future__ import annotations

import ast
import dataclasses
import typing
from pathlib import Path

import services.registry
from services.registry import Services

ROOT = Path(__file__).resolve().parents[2]


def _service_classes() -> set[str]:
    """The class of every Services field (resolved from the registry's annotations)."""
    hints = typing.get_type_hints(Services, vars(services.registry))
    return {hints[field.name].__name__ for field in dataclasses.fields(Services)}


def _cog_sources() -> list[Path]:
    return sorted((ROOT / "cogs").rglob("*.py"))


def test_services_hold_every_service_and_both_loops() -> None:
    names = {field.name for field in dataclasses.fields(Services)}
    assert {"dispatcher", "daily_scheduler", "daily", "daily_posts", "progress", "quiz"} <= names
    assert {"ReminderDispatcher", "DailyScheduler", "DailyPosts"} <= _service_classes()


def test_no_cog_builds_a_service_or_a_loop() -> None:
    built = []
    classes = _service_classes()
    for path in _cog_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in classes:
                    built.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}(...)")
    assert built == []


def test_no_cog_sets_anything_on_the_bot() -> None:
    pushed = []
    for path in _cog_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else (
                [node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign) else [])
            for target in targets:
                text = ast.unparse(target)
                if text.startswith(("self.bot.", "bot.", "interaction.client.")):
                    pushed.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text} = ...")
    assert pushed == []
