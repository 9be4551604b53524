"""The one base of every form (modal) the bot shows: restart-proof, and every submission answered.

A form's custom id says what it is for (`quiz-flag-modal:<session>:<position>`), as a button's does
(cogs/ui/buttons.py). A form is never kept in discord.py's memory: the base marks it finished before it is sent,
and cogs/forms.py answers every submission from its custom id and typed values, so a form a member filled in
across a restart still arrives. A subclass states its template, the cog and handler its submission goes to, which
parts of the id are numbers, and how the typed values become the handler's last arguments (`inputs`):

    class FlagModal(PersistentModal, template=r"quiz-flag-modal:(?P<session>[0-9a-f]+):(?P<position>\\d+)"):
        cog, handler = "Quiz", "on_flag_submit"   # Quiz.on_flag_submit(interaction, session, position, reason)
        ints = ("position",)
        inputs = staticmethod(reason_input)        # its one text input, the typed reason
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

import discord

from cogs.ui.buttons import subclasses_of


class PersistentModal(discord.ui.Modal):
    """See the module docstring."""

    pattern: ClassVar[re.Pattern[str]] = re.compile(r"(?!)")
    cog: ClassVar[str]
    handler: ClassVar[str]
    ints: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, *, template: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if template is not None:
            cls.pattern = re.compile(template)

    def __init__(self, *, custom_id: str, title: str = discord.utils.MISSING) -> None:
        super().__init__(title=title, custom_id=custom_id)
        self.stop()  # answered by its id (cogs/forms.py), not by this object: nothing to keep across a restart

    @staticmethod
    def inputs(values: dict[str, str]) -> tuple[Any, ...]:
        """The handler's arguments after the id's parts, from the typed values by input custom id."""
        return ()

    @classmethod
    def ids(cls, match: re.Match[str]) -> tuple[Any, ...]:
        return tuple(int(text) if name in cls.ints else text for name, text in match.groupdict().items())


def form_for(custom_id: str) -> tuple[type[PersistentModal], re.Match[str]] | None:
    """The form class whose template matches a submission's custom id, with the match; None for an id no form
    of this release has."""
    for form in subclasses_of(PersistentModal):
        match = form.pattern.fullmatch(custom_id)
        if match is not None:
            return form, match
    return None


def modal_values(data: Mapping[str, Any]) -> dict[str, str]:
    """Every text input's value by custom id, in action-row or Label layout."""
    values: dict[str, str] = {}

    def walk(component: Mapping[str, Any]) -> None:
        if "custom_id" in component and "value" in component:
            values[component["custom_id"]] = component["value"] or ""
        for child in component.get("components") or []:
            walk(child)
        if isinstance(component.get("component"), dict):
            walk(component["component"])

    for component in data.get("components") or []:
        walk(component)
    return values


def reason_input(values: dict[str, str]) -> tuple[str]:
    """`inputs` of a form with one text input called `reason`."""
    return (values.get("reason", ""),)

