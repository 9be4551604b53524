"""The one button base: every persistent button derives from it, names a handler that exists, parses its id."""

from __future__ import annotations

import importlib
import inspect

import discord
from discord.ext import commands

from cogs import extension_names
from cogs.ui.buttons import PersistentButton
from cogs.ui.daily_views import ArchivePageButton, DailyAnswerButton, LeaderboardPageButton
from cogs.ui.progress_views import ForgetButton
from cogs.ui.quiz_views import AnswerButton, ExamAnswerButton
from cogs.ui.reminder_views import StartQuizButton


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def _loaded() -> tuple[set[type], dict[str, type]]:
    modules = [importlib.import_module(name) for name in extension_names()]
    cogs = {cls.__cog_name__: cls for module in modules for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, commands.Cog) and cls.__module__ == module.__name__}
    buttons = {cls for cls in _all_subclasses(discord.ui.DynamicItem)
               if cls.__module__.startswith("cogs.") and cls is not PersistentButton}
    return buttons, cogs


def test_every_persistent_button_derives_from_the_one_base_and_names_an_existing_handler():
    buttons, cogs = _loaded()
    assert len(buttons) >= 14
    for button in buttons:
        assert issubclass(button, PersistentButton), f"{button.__qualname__} does not derive from PersistentButton"
        assert button.cog in cogs, f"{button.__qualname__}: no cog called {button.cog}"
        handler = getattr(cogs[button.cog], button.handler, None)
        assert inspect.iscoroutinefunction(handler), f"{button.__qualname__}: {button.cog}.{button.handler}"
        groups = len(button.__discord_ui_compiled_template__.groupindex)
        assert len(inspect.signature(handler).parameters) == 2 + groups, button.__qualname__  # self, interaction


def test_every_registered_button_class_is_registered_by_its_cog_module():
    buttons, _ = _loaded()
    registered = set()
    for name in extension_names():
        module = importlib.import_module(name)
        views = [value for value in vars(module).values() if inspect.ismodule(value)]
        for source in (module, *views):
            registered |= set(getattr(source, "DYNAMIC_ITEMS", ()))
    assert buttons <= registered, buttons - registered


def test_the_base_parses_the_id_in_the_templates_order_with_its_types():
    assert DailyAnswerButton(12, 3).values == (12, 3)
    assert AnswerButton("ab12", 4, 0).values == ("ab12", 4, 0)
    assert ExamAnswerButton("ab12", 4, 0).custom_id == "exam:ab12:4:0"
    assert LeaderboardPageButton("season", None, 2).values == ("season", None, 2)
    assert LeaderboardPageButton("week", "dsp", 0).values == ("week", "dsp", 0)
    assert ArchivePageButton(30, None, 1).values == (30, None, 1)
    assert StartQuizButton(99, None, "Start a quiz").values == (99, None)
    assert StartQuizButton(99, "mpr", "Start a quiz").values == (99, "mpr")
    assert ForgetButton("yes", 7, 1_800_000_000).values == ("yes", 7, 1_800_000_000)


def test_a_reminders_quiz_button_parses_back_for_every_module_and_exam_of_both_editions(content):
    """A CPIM 8 exam's DM carries "cpim-8" and modules like "quality-tech": an id its own template did not
    match was a button that did nothing."""
    keys = {edition.exam_key for edition in content.editions} | {
        module.key for edition in content.editions for module in edition.modules}
    assert {"cpim-8", "quality-tech", "dsp"} <= keys
    for key in keys:
        button = StartQuizButton(99, key, "Start a quiz")
        assert StartQuizButton.__discord_ui_compiled_template__.fullmatch(button.custom_id), key
        assert button.values == (99, key)


async def test_a_click_rebuilt_from_its_message_keeps_the_buttons_look_and_values():
    sent = DailyAnswerButton(12, 3)
    rebuilt = await DailyAnswerButton.from_custom_id(None, sent.item, sent.template.fullmatch(sent.custom_id))
    assert isinstance(rebuilt, DailyAnswerButton) and rebuilt.item is sent.item and rebuilt.values == (12, 3)


async def test_every_form_derives_from_the_one_base_names_an_existing_handler_and_finds_itself_by_its_id():
    from cogs.ui.contribution_views import ContributeModal, RejectModal
    from cogs.ui.modals import PersistentModal, form_for
    from cogs.ui.quiz_views import FlagModal

    _, cogs = _loaded()
    forms = [cls for cls in _all_subclasses(discord.ui.Modal) if cls.__module__.startswith("cogs.")]
    concrete = [cls for cls in forms if cls.pattern.pattern != "(?!)"]
    assert len(concrete) >= 4
    for form in forms:
        assert issubclass(form, PersistentModal), f"{form.__qualname__} does not derive from PersistentModal"
    for form in concrete:
        handler = getattr(cogs[form.cog], form.handler, None)
        assert inspect.iscoroutinefunction(handler), f"{form.__qualname__}: {form.cog}.{form.handler}"
    for shown, values in ((FlagModal("ab12", 3), ("ab12", 3)), (RejectModal(41), (41,)),
                          (ContributeModal("supply", "mrp", "M4 · MRP"), ("supply", "mrp"))):
        assert shown.is_finished()  # never kept in memory: cogs/forms.py answers it by its id
        found = form_for(shown.custom_id)
        assert found is not None and found[0] is type(shown) and found[0].ids(found[1]) == values
    assert form_for("quiz-report:ab12:0") is None
