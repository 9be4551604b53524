"""Discord's numeric kinds, named after discord.py's own enums.

The wire (and every stored message or payload dict) carries plain numbers; the simulator's code reads them
through these names so that `ctype == DEFERRED` says what `ctype == 5` did not.
"""

from __future__ import annotations

from discord import (
    AppCommandOptionType,
    AppCommandType,
    ButtonStyle,
    ChannelType,
    ComponentType,
    InteractionResponseType,
    InteractionType,
    MessageType,
)

# interaction types (what a member did)
COMMAND = InteractionType.application_command.value
COMPONENT = InteractionType.component.value
AUTOCOMPLETE = InteractionType.autocomplete.value
MODAL_SUBMIT = InteractionType.modal_submit.value

# callback types (how the bot answered)
REPLY = InteractionResponseType.channel_message.value
DEFERRED = InteractionResponseType.deferred_channel_message.value
DEFERRED_UPDATE = InteractionResponseType.deferred_message_update.value
UPDATE = InteractionResponseType.message_update.value
CHOICES = InteractionResponseType.autocomplete_result.value
MODAL = InteractionResponseType.modal.value
#: which callbacks Discord accepts for each interaction type
ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    COMMAND: frozenset({REPLY, DEFERRED, MODAL}),
    COMPONENT: frozenset({REPLY, DEFERRED, DEFERRED_UPDATE, UPDATE, MODAL}),
    AUTOCOMPLETE: frozenset({CHOICES}),
    MODAL_SUBMIT: frozenset({REPLY, DEFERRED, DEFERRED_UPDATE, UPDATE}),
}

# components
ACTION_ROW = ComponentType.action_row.value
BUTTON = ComponentType.button.value
STRING_SELECT = ComponentType.string_select.value
TEXT_INPUT = ComponentType.text_input.value
LABEL = ComponentType.label.value
SELECTS = frozenset(t.value for t in (ComponentType.string_select, ComponentType.user_select,
                                      ComponentType.role_select, ComponentType.mentionable_select,
                                      ComponentType.channel_select))
LINK_STYLE = ButtonStyle.link.value
PREMIUM_STYLE = ButtonStyle.premium.value

# application command option types
SUBCOMMANDS = frozenset({AppCommandOptionType.subcommand.value, AppCommandOptionType.subcommand_group.value})
OPT_STRING = AppCommandOptionType.string.value
OPT_INTEGER = AppCommandOptionType.integer.value
OPT_BOOLEAN = AppCommandOptionType.boolean.value
OPT_USER = AppCommandOptionType.user.value
OPT_CHANNEL = AppCommandOptionType.channel.value
OPT_ROLE = AppCommandOptionType.role.value
OPT_NUMBER = AppCommandOptionType.number.value
OPT_ATTACHMENT = AppCommandOptionType.attachment.value
CHAT_INPUT = AppCommandType.chat_input.value

# channels and messages
TEXT_CHANNEL = ChannelType.text.value
DM_CHANNEL = ChannelType.private.value
NEWS_CHANNEL = ChannelType.news.value
PUBLIC_THREAD = ChannelType.public_thread.value
DEFAULT_MESSAGE = MessageType.default.value
REPLY_MESSAGE = MessageType.reply.value
COMMAND_MESSAGE = MessageType.chat_input_command.value
PINS_ADD_MESSAGE = MessageType.pins_add.value
