"""Self-tests of the simulator (FakeDiscord), driving a real discord.py 2.7 bot."""

from __future__ import annotations

import asyncio
import contextlib
import io
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from simulator import FakeChannel, FakeDiscord, FakeDiscordError, FakeGuild, FakeUser

pytestmark = pytest.mark.asyncio

REPO_ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------------- the tiny bot under test
class RsvpButton(discord.ui.DynamicItem[discord.ui.Button], template=r"rsvp:(?P<event>\d+)"):
    def __init__(self, event: int) -> None:
        super().__init__(discord.ui.Button(label="RSVP", custom_id=f"rsvp:{event}"))
        self.event = event

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: "re.Match[str]"  # noqa: F821, UP037
    ) -> RsvpButton:
        return cls(int(match["event"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content=f"RSVP {self.event} by {interaction.user.name}")


class ReportModal(discord.ui.Modal, title="Report"):
    reason: discord.ui.TextInput = discord.ui.TextInput(label="Reason", custom_id="reason")
    detail: discord.ui.TextInput = discord.ui.TextInput(label="Detail", custom_id="detail", required=False)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"reported: {self.reason.value}|{self.detail.value}", ephemeral=True)


class Panel(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Report", custom_id="panel:report")
    async def report(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_modal(ReportModal())

    @discord.ui.select(
        custom_id="panel:pick",
        options=[discord.SelectOption(label="Alpha", value="a"), discord.SelectOption(label="Beta", value="b")],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"picked {select.values[0]}", ephemeral=True)


class Counter(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)
        self.count = 0

    @discord.ui.button(label="+1")
    async def inc(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.count += 1
        await interaction.response.edit_message(content=f"count {self.count}", view=self)

    @discord.ui.button(label="reset")
    async def reset(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.count = 0
        await interaction.response.defer()
        await asyncio.sleep(0.05)
        await interaction.edit_original_response(content="count reset", view=self)


MODULES = ["marketing", "management", "bscm", "finance"]


def make_bot(late_delay: float = 0.0) -> commands.Bot:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    tree = bot.tree

    @tree.command(description="Show fees")
    async def fees(interaction: discord.Interaction, module: str, count: int = 1) -> None:
        await interaction.response.send_message(f"fees {module} x{count}")

    @fees.autocomplete("module")
    async def fees_module(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=m, value=m) for m in MODULES if m.startswith(current)]

    admin = app_commands.Group(
        name="admin", description="Admin", default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )
    admin_fees = app_commands.Group(name="fees", description="Fees admin", parent=admin)

    @admin_fees.command(name="add", description="Add a fee")
    async def admin_fees_add(interaction: discord.Interaction, amount: int, note: str | None = None) -> None:
        perms = interaction.permissions
        await interaction.response.send_message(
            f"added {amount} {note} manage_guild={perms.manage_guild} "
            f"app_send={interaction.app_permissions.send_messages}",
            ephemeral=True,
        )

    tree.add_command(admin)

    @tree.command(description="Panel")
    async def panel(interaction: discord.Interaction) -> None:
        view = Panel()
        view.add_item(RsvpButton(42))
        await interaction.response.send_message("Panel", view=view)

    @tree.command(description="Counter")
    async def counter(interaction: discord.Interaction, ephemeral: bool = False) -> None:
        await interaction.response.send_message("count 0", view=Counter(), ephemeral=ephemeral)

    @tree.command(description="Slow")
    async def slow(interaction: discord.Interaction, edit: bool = False) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.2)
        if edit:
            await interaction.edit_original_response(content="edited done")
        else:
            await interaction.followup.send("followup done")

    @tree.command(description="Late")
    async def late(interaction: discord.Interaction) -> None:
        await asyncio.sleep(late_delay)
        await interaction.response.send_message("too late")

    @tree.command(description="DM someone")
    async def dm(interaction: discord.Interaction, user: discord.User) -> None:
        try:
            await user.send(f"hello {user.name}")
        except discord.Forbidden as e:
            await interaction.response.send_message(f"dm failed {e.code}", ephemeral=True)
        else:
            await interaction.response.send_message("dm sent", ephemeral=True)

    @tree.command(description="Upload")
    async def upload(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("file", file=discord.File(io.BytesIO(b"abc,1\n"), "data.csv"))

    @tree.command(description="Inspect an attachment")
    async def inspect(interaction: discord.Interaction, file: discord.Attachment, where: discord.TextChannel) -> None:
        data = await file.read()
        await interaction.response.send_message(f"{file.filename} {len(data)} {data.decode()} in #{where.name}")

    @tree.command(description="Help")
    async def help(interaction: discord.Interaction) -> None:
        where = "dm" if interaction.guild is None else interaction.guild.name
        await interaction.response.send_message(f"help in {where}")

    async def setup_hook() -> None:
        bot.add_view(Panel())
        bot.add_dynamic_items(RsvpButton)
        await tree.sync()

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


# ---------------------------------------------------------------------- fixtures
@dataclass
class World:
    fake: FakeDiscord
    guild: FakeGuild
    chan: FakeChannel
    alice: FakeUser
    bob: FakeUser
    bot: commands.Bot


@contextlib.asynccontextmanager
async def world(late_delay: float = 0.0, **fake_kwargs: float) -> AsyncIterator[World]:
    async with FakeDiscord(**fake_kwargs) as fake:  # type: ignore[arg-type]
        guild = fake.add_guild("Chapter")
        chan = fake.add_text_channel(guild, "study")
        alice = fake.add_member(guild, "alice", permissions=discord.Permissions(manage_guild=True))
        bob = fake.add_member(guild, "bob")
        bot = make_bot(late_delay)
        await fake.start_bot(bot, token="test-token")
        await fake.wait_for_commands()
        yield World(fake, guild, chan, alice, bob, bot)
        await fake.stop_bot(bot)
        fake.assert_no_unknown_routes()


@pytest.fixture
async def w() -> AsyncIterator[World]:
    async with world() as wd:
        yield wd


# ---------------------------------------------------------------------- tests
async def test_login_ready_and_command_sync(w: World) -> None:
    assert w.bot.user is not None and w.bot.user.id == w.fake.bot_user.id
    guild = w.bot.get_guild(w.guild.id)
    assert guild is not None and guild.name == "Chapter"
    assert guild.get_channel(w.chan.id) is not None
    names = {c["name"] for c in w.fake.registered_commands()}
    assert {"fees", "admin", "panel", "dm", "upload", "help"} <= names
    admin = next(c for c in w.fake.registered_commands() if c["name"] == "admin")
    assert admin["options"][0]["type"] == 2 and admin["options"][0]["options"][0]["name"] == "add"
    assert all(c["id"] for c in w.fake.registered_commands())
    # the login sequence went through the REST routes we expect
    paths = [r.path for r in w.fake.request_log]
    assert "/users/@me" in paths and "/oauth2/applications/@me" in paths


async def test_slash_options_and_subcommand_group(w: World) -> None:
    r = await w.fake.slash(w.bob, w.chan, "fees", module="bscm", count=3)
    assert r.type == 4 and not r.ephemeral and r.content == "fees bscm x3"
    assert r.message is not None and w.fake.channel_messages(w.chan.id)[-1]["id"] == r.message["id"]
    r = await w.fake.slash(w.alice, None, "admin fees add", guild=w.guild, amount=5)
    assert r.ephemeral and r.content == "added 5 None manage_guild=True app_send=True"
    assert r.message is not None and r.message["id"] not in [m["id"] for m in w.fake.channel_messages(w.chan)]
    with pytest.raises(FakeDiscordError, match="default_member_permissions"):
        await w.fake.slash(w.bob, w.chan, "admin fees add", amount=5)
    with pytest.raises(FakeDiscordError, match="no option"):
        await w.fake.slash(w.bob, w.chan, "fees", modul="x")
    with pytest.raises(FakeDiscordError, match="required option"):
        await w.fake.slash(w.bob, w.chan, "fees")
    with pytest.raises(FakeDiscordError, match="expected int"):
        await w.fake.slash(w.bob, w.chan, "fees", module="x", count="2")
    with pytest.raises(FakeDiscordError, match="no slash command"):
        await w.fake.slash(w.bob, w.chan, "nope")


async def test_autocomplete(w: World) -> None:
    choices = await w.fake.autocomplete(w.bob, w.chan, "fees", focused="module", value="ma")
    assert [c["value"] for c in choices] == ["marketing", "management"]


async def test_buttons_dynamic_item_select_and_modal(w: World) -> None:
    r = await w.fake.slash(w.bob, w.chan, "panel")
    assert r.message is not None
    rsvp = w.fake.find_button(r.message, label="RSVP")
    assert rsvp == "rsvp:42"
    r2 = await w.fake.click(w.alice, r.message, rsvp)
    assert r2.type == 7 and r2.content == "RSVP 42 by alice"
    assert w.fake.message(r.message["id"])["content"] == "RSVP 42 by alice"
    assert w.fake.message(r.message["id"])["edited_timestamp"] is not None

    r3 = await w.fake.select(w.bob, r.message, "panel:pick", values=["b"])
    assert r3.type == 4 and r3.ephemeral and r3.content == "picked b"

    r4 = await w.fake.click(w.bob, r.message, w.fake.find_button(r.message, label="Report"))
    assert r4.type == 9 and r4.modal is not None and r4.modal["title"] == "Report"
    r5 = await w.fake.submit_modal(w.bob, r4, {"reason": "spam"})
    assert r5.type == 4 and r5.ephemeral and r5.content == "reported: spam|"
    with pytest.raises(FakeDiscordError, match="required"):
        await w.fake.submit_modal(w.bob, r4, {"detail": "x"})


async def test_persistent_view_survives_restart(w: World) -> None:
    r = await w.fake.slash(w.bob, w.chan, "panel")
    await w.fake.stop_bot(w.bot)
    bot2 = make_bot()
    await w.fake.start_bot(bot2)
    r2 = await w.fake.click(w.bob, r.message, "rsvp:42")
    assert r2.content == "RSVP 42 by bob"
    r3 = await w.fake.click(w.bob, r.message, "panel:report")
    assert r3.type == 9
    w.bot = bot2


async def test_view_on_ephemeral_message(w: World) -> None:
    r = await w.fake.slash(w.bob, w.chan, "counter", ephemeral=True)
    assert r.ephemeral
    cid = w.fake.find_button(r.message, label="+1")
    r2 = await w.fake.click(w.bob, r.message, cid)
    r3 = await w.fake.click(w.bob, r2.message, cid)
    assert r3.content == "count 2" and r.content == "count 2"  # results read the current state
    assert w.fake.channel_messages(w.chan) == []


async def test_deferred_then_followup_or_edit(w: World) -> None:
    r = await w.fake.slash(w.bob, w.chan, "slow")
    assert r.type == 5 and r.content == "followup done"
    r = await w.fake.slash(w.bob, w.chan, "slow", edit=True)
    assert r.type == 5 and r.content == "edited done"
    assert [m["content"] for m in w.fake.channel_messages(w.chan)] == ["followup done", "edited done"]


async def test_dm_and_closed_dms(w: World) -> None:
    r = await w.fake.slash(w.alice, w.chan, "dm", user=w.bob)
    assert r.content == "dm sent"
    assert [m["content"] for m in w.fake.dm_messages(w.bob.id)] == ["hello bob"]
    w.fake.set_dms_closed(w.bob, True)
    r = await w.fake.slash(w.alice, w.chan, "dm", user=w.bob)
    assert r.content == "dm failed 50007"
    assert len(w.fake.dm_messages(w.bob)) == 1
    r = await w.fake.slash_dm(w.bob, "help")
    assert r.content == "help in dm"
    with pytest.raises(FakeDiscordError, match="not available"):
        await w.fake.slash_dm(w.alice, "admin fees add", amount=1)


async def test_attachments_upload_and_option(w: World) -> None:
    r = await w.fake.slash(w.bob, w.chan, "upload")
    assert r.attachments == [("data.csv", b"abc,1\n")]
    att = r.message["attachments"][0]
    assert att["size"] == 6 and att["url"].startswith(w.fake.root_url)
    other = w.fake.add_text_channel(w.guild, "other")
    r = await w.fake.slash(w.bob, w.chan, "inspect", file=("notes.txt", b"hello"), where=other)
    assert r.content == "notes.txt 5 hello in #other"
    # plain channel upload through the REST API with an edit that keeps the attachment
    chan = w.bot.get_channel(w.chan.id)
    assert isinstance(chan, discord.TextChannel)
    msg = await chan.send("report", file=discord.File(io.BytesIO(b"\x00\x01"), "r.bin"))
    await msg.edit(content="report v2")
    assert w.fake.message_attachments(msg.id) == [("r.bin", b"\x00\x01")]
    assert w.fake.message(msg.id)["content"] == "report v2"


async def test_channel_messages_crud(w: World) -> None:
    chan = w.bot.get_channel(w.chan.id)
    assert isinstance(chan, discord.TextChannel)
    m1 = await chan.send("one", embed=discord.Embed(title="T", description="D"))
    m2 = await chan.send("two")
    await m1.edit(content="one!")
    fetched = await chan.fetch_message(m1.id)
    assert fetched.content == "one!" and fetched.embeds[0].title == "T"
    history = [m.content async for m in chan.history(limit=10)]
    assert history == ["two", "one!"]
    await m2.delete()
    assert [m["content"] for m in w.fake.channel_messages(w.chan)] == ["one!"]
    with pytest.raises(discord.NotFound):
        await chan.fetch_message(m2.id)


async def test_public_threads_open_under_a_channel_when_allowed(w: World) -> None:
    chan = w.bot.get_channel(w.chan.id)
    thread = await chan.create_thread(name="Quiz night", type=discord.ChannelType.public_thread)
    assert isinstance(thread, discord.Thread) and thread.parent_id == w.chan.id and thread.name == "Quiz night"
    for _ in range(50):  # THREAD_CREATE puts it in the bot's cache
        if w.bot.get_guild(w.guild.id).get_thread(thread.id) is not None:
            break
        await asyncio.sleep(0.01)
    assert w.bot.get_guild(w.guild.id).get_thread(thread.id) is not None
    message = await thread.send("first question")
    assert [m["content"] for m in w.fake.channel_messages(w.fake.threads_of(w.chan)[0])] == ["first question"]
    assert message.channel.id == thread.id and w.fake.channel_messages(w.chan) == []
    w.fake.set_channel_overwrites(w.chan, {w.guild.roles[w.guild.bot_role_id]:
                                           discord.PermissionOverwrite(create_public_threads=False)})
    with pytest.raises(discord.Forbidden):
        await chan.create_thread(name="Another", type=discord.ChannelType.public_thread)
    assert len(w.fake.threads_of(w.chan)) == 1


async def test_content_embed_and_component_limits(w: World) -> None:
    chan = w.bot.get_channel(w.chan.id)
    assert isinstance(chan, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as ei:
        await chan.send("x" * 2001)
    assert ei.value.status == 400 and ei.value.code == 50035 and "2000" in ei.value.text
    await chan.send("x" * 2000)
    with pytest.raises(discord.HTTPException, match="256"):
        await chan.send(embed=discord.Embed(title="t" * 257))
    big = discord.Embed(description="d" * 4000)
    with pytest.raises(discord.HTTPException, match="6000"):
        await chan.send(embeds=[big, discord.Embed(description="d" * 2001)])
    too_many = discord.Embed()
    for i in range(26):
        too_many.add_field(name=str(i), value="v")
    with pytest.raises(discord.HTTPException, match="25"):
        await chan.send(embed=too_many)
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="l" * 81, custom_id="x"))
    with pytest.raises(discord.HTTPException, match="80"):
        await chan.send("v", view=view)
    with pytest.raises(discord.HTTPException) as ei:
        await chan.send(embed=discord.Embed())
    assert ei.value.code == 50006
    errors = [body for _m, _p, status, body in w.fake.rejected_requests if status == 400]
    assert errors[0]["errors"]["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"


async def test_body_validation_can_be_switched_off_for_load_runs(w: World) -> None:
    chan = w.bot.get_channel(w.chan.id)
    assert isinstance(chan, discord.TextChannel)
    w.fake.validate_bodies = False
    message = await chan.send("x" * 2001)  # what Discord refuses, and tests must see refused
    assert len(w.fake.message(message.id)["content"]) == 2001
    w.fake.validate_bodies = True
    with pytest.raises(discord.HTTPException):
        await chan.send("x" * 2001)


async def test_permissions_and_overwrites(w: World) -> None:
    fake = w.fake
    bot_role = w.guild.roles[w.guild.bot_role_id]  # type: ignore[index]
    locked = fake.add_text_channel(
        w.guild, "locked", overwrites={bot_role: discord.PermissionOverwrite(send_messages=False)}
    )
    for _ in range(200):  # until CHANNEL_CREATE reached the bot
        if w.bot.get_channel(locked.id) is not None:
            break
        await asyncio.sleep(0.01)
    chan = w.bot.get_channel(locked.id)
    assert isinstance(chan, discord.TextChannel)
    with pytest.raises(discord.Forbidden) as ei:
        await chan.send("hi")
    assert ei.value.code == 50013
    # interactions still work there (they are webhooks) and app_permissions reflect the overwrite
    r = await fake.slash(w.alice, locked, "admin fees add", amount=1)
    assert "app_send=False" in r.content
    fake.set_bot_permissions(w.guild, discord.Permissions(administrator=True))
    await chan.send("now I can")
    # member permissions: administrator gets everything, bob has only @everyone
    admin = fake.add_member(w.guild, "root", permissions=discord.Permissions(administrator=True))
    assert fake.member_permissions(w.guild, admin, locked) == discord.Permissions.all().value
    assert not discord.Permissions(fake.member_permissions(w.guild, w.bob)).manage_guild
    hidden = fake.add_text_channel(w.guild, "hidden", overwrites={w.guild: (0, discord.Permissions(view_channel=True))})
    assert fake.member_permissions(w.guild, w.bob, hidden) == 0
    with pytest.raises(FakeDiscordError, match="cannot see"):
        await fake.slash(w.bob, hidden, "help")


async def test_interaction_deadline_and_double_ack() -> None:
    async with world(late_delay=0.4, interaction_deadline=0.2) as wd:
        with pytest.raises(FakeDiscordError, match="did not acknowledge") as ei:
            await wd.fake.slash(wd.bob, wd.chan, "late")
        assert "10062" in str(ei.value)
        r = await wd.fake.slash(wd.bob, wd.chan, "help")
        url = f"{wd.fake.base_url}/interactions/{r.interaction_id}/{r.token}/callback"
        async with aiohttp.ClientSession() as session:
            async with session.post(url, json={"type": 4, "data": {"content": "again"}}) as resp:
                assert resp.status == 400 and resp.headers["Content-Type"] == "application/json"
                assert (await resp.json())["code"] == 40060
            # follow-ups stay allowed after the deadline
            hook = f"{wd.fake.base_url}/webhooks/{wd.fake.application_id}/{r.token}?wait=true"
            async with session.post(hook, json={"content": "later"}) as resp:
                assert resp.status == 200
        assert [m["content"] for m in r.followups] == ["later"]


async def test_429_and_500_are_retried(w: World) -> None:
    chan = w.bot.get_channel(w.chan.id)
    assert isinstance(chan, discord.TextChannel)
    w.fake.fail_next("POST", r"^/channels/\d+/messages$", 429)
    await chan.send("after 429")
    w.fake.fail_next("POST", r"^/channels/\d+/messages$", 500)
    await chan.send("after 500")
    posts = w.fake.requests("POST", r"^/channels/\d+/messages$")
    assert [p.status for p in posts] == [429, 200, 500, 200]
    assert [m["content"] for m in w.fake.channel_messages(w.chan)] == ["after 429", "after 500"]
    # a failure injected on the interaction callback is retried by discord.py's webhook adapter too
    w.fake.fail_next("POST", r"/callback$", 429)
    r = await w.fake.slash(w.bob, w.chan, "help")
    assert r.content == "help in Chapter"


async def test_global_rate_limit(w: World) -> None:
    w.fake.set_rate_limit(requests_per_second=20)
    users = [w.fake.add_user(f"u{i}") for i in range(10)]
    start = time.monotonic()
    for u in users:
        user = await w.bot.fetch_user(u.id)
        await user.send("reminder")
    elapsed = time.monotonic() - start
    assert all(len(w.fake.dm_messages(u)) == 1 for u in users)
    statuses = [r.status for r in w.fake.request_log if r.time >= start]
    assert 429 in statuses and elapsed >= 0.5
    # each DM costs fetch_user + create_dm + post (+ retried 429s); the log is good enough to benchmark on
    assert len(w.fake.requests("POST", r"^/channels/\d+/messages$")) >= 10
    w.fake.set_rate_limit(None)


async def test_unknown_route_is_recorded() -> None:
    async with FakeDiscord() as fake:
        fake.add_guild("G")
        bot = make_bot()
        await fake.start_bot(bot)
        with pytest.raises(discord.NotFound):
            await bot.http.request(discord.http.Route("GET", "/nope/{x}", x=1))
        assert fake.unknown_routes == [("GET", "/nope/1")]
        with pytest.raises(AssertionError, match="/nope/1"):
            fake.assert_no_unknown_routes()
        await fake.stop_bot(bot)


async def test_restart_with_new_bot_instance_and_resume(w: World) -> None:
    chan = w.bot.get_channel(w.chan.id)
    assert isinstance(chan, discord.TextChannel)
    await chan.send("before restart")
    await w.fake.stop_bot(w.bot)
    bot2 = make_bot()
    await w.fake.start_bot(bot2)
    w.bot = bot2
    assert bot2.get_guild(w.guild.id) is not None
    history = [m.content async for m in bot2.get_channel(w.chan.id).history(limit=5)]  # type: ignore[union-attr]
    assert history == ["before restart"]
    # gateway drop: discord.py RESUMEs on the same session
    identifies = w.fake.identify_count
    await w.fake.drop_gateway(code=4000)
    r = await w.fake.slash(w.bob, w.chan, "help")
    assert r.content == "help in Chapter"
    assert w.fake.identify_count == identifies


async def test_bot_in_subprocess(w: World) -> None:
    await w.fake.stop_bot(w.bot)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulator.run_bot", "tests.simulator.example_bot:main",
        cwd=REPO_ROOT, env=w.fake.subprocess_env(), stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await w.fake.wait_for_commands(new=True, timeout=20)
        await w.fake.wait_for_session(timeout=20)
        r = await w.fake.slash(w.bob, w.chan, "whoami")
        assert r.content == f"pid {proc.pid}"
    finally:
        proc.terminate()
        _out, err = await proc.communicate()
    # the crashed bot's state is still there for the next one
    bot2 = make_bot()
    await w.fake.start_bot(bot2)
    w.bot = bot2
    await bot2.tree.sync()
    r = await w.fake.slash(w.bob, w.chan, "help")
    assert r.content == "help in Chapter", err.decode()[-2000:]


async def test_user_message_event(w: World) -> None:
    seen: list[discord.Message] = []

    async def on_message(message: discord.Message) -> None:
        seen.append(message)

    w.bot.add_listener(on_message)
    await w.fake.user_message(w.bob, w.chan, "hello there")
    for _ in range(50):
        if seen:
            break
        await asyncio.sleep(0.01)
    assert seen and seen[0].author.id == w.bob.id and seen[0].content == ""  # no message_content intent


async def test_fixture_deferred_update_and_dm_buttons(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    guild = fake.add_guild("G")
    fake.add_text_channel(guild, "general")
    carol = fake.add_member(guild, "carol")
    bot = make_bot()
    await fake.start_bot(bot)
    await fake.wait_for_commands()
    r = await fake.slash_dm(carol, "counter")
    assert r.message is not None and int(r.message["channel_id"]) == fake.dm_channels[carol.id].id
    r2 = await fake.click(carol, r.message, fake.find_button(r.message, label="+1"))
    assert r2.content == "count 1"
    r3 = await fake.click(carol, r.message, fake.find_button(r.message, label="reset"))
    assert r3.type == 6
    await r3.wait_for_update()
    assert r3.content == "count reset" and fake.dm_messages(carol)[0]["content"] == "count reset"
    await fake.stop_bot(bot)


async def test_login_failure_is_raised() -> None:
    async with FakeDiscord() as fake:
        fake.accepted_tokens = {"good-token"}
        with pytest.raises(discord.LoginFailure):
            await fake.start_bot(make_bot(), token="bad-token")


async def test_pins_need_pin_messages_announce_themselves_and_stop_at_50(w: World) -> None:
    channel = w.bot.get_channel(w.chan.id)
    message = await channel.send("pin me")
    with pytest.raises(discord.Forbidden) as refused:
        await message.pin()
    assert refused.value.code == 50013 and w.fake.pinned_messages(w.chan) == []
    w.fake.set_bot_permissions(w.guild, discord.Permissions(pin_messages=True))
    await message.pin()
    assert [m["id"] for m in w.fake.pinned_messages(w.chan)] == [str(message.id)]
    notice = w.fake.channel_messages(w.chan)[-1]
    assert notice["type"] == discord.MessageType.pins_add.value
    assert notice["message_reference"]["message_id"] == str(message.id)
    assert [m.id for m in await channel.pins()] == [message.id]
    await message.unpin()
    assert w.fake.pinned_messages(w.chan) == [] and not w.fake.message(message.id)["pinned"]
    for n in range(50):
        await (await channel.send(f"pin {n}")).pin()
    with pytest.raises(discord.HTTPException) as full:
        await message.pin()
    assert full.value.code == 30003
    w.fake.delete_message(message.id)
    with pytest.raises(discord.NotFound):
        await message.edit(content="gone")
