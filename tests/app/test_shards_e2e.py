"""`python bot.py --shards … --shard-count …`: the bot process runs exactly those shards, and only those guilds'
commands reach it; with no flags it runs as many shards as Discord recommends (GET /gateway/bot)."""

from __future__ import annotations

import pytest

from simulator import FakeDiscord
from tests.bot_process import poll, start_bot_process, stop_bot_process, write_config


async def _answered(fake: FakeDiscord, guild, user) -> str:
    result = await fake.slash(user, None, "help", guild=guild)
    return result.content or (result.embeds[0].get("title", "") if result.embeds else "")


async def test_a_process_runs_only_its_shards_and_answers_its_guilds(fake_discord, tmp_path):
    fake = fake_discord
    mine = fake.add_guild("Shard one", shard=(1, 2))
    fake.add_text_channel(mine, "study")
    member = fake.add_member(mine, "ana")
    other = fake.add_guild("Shard zero", shard=(0, 2))
    fake.add_text_channel(other, "study")
    config = write_config(tmp_path, tmp_path / "bot.sqlite3")

    process = await start_bot_process(fake, config, tmp_path / "bot.log", args=["--shards", "1", "--shard-count", "2"])
    try:
        await fake.wait_for_session(30)
        assert fake.identified_shards == [(1, 2)]
        assert await poll(lambda: fake.global_commands, 30), "the bot never synced its commands"
        assert await _answered(fake, mine, member)
    finally:
        await stop_bot_process(process)
    assert process.returncode == 0, (tmp_path / "bot.log").read_text()
    # the shard-0 guild was never announced to this process: no session of shard 0 exists to send it to
    assert all(shard == (1, 2) for shard in fake.identified_shards)


async def test_without_flags_the_bot_runs_the_recommended_number_of_shards(fake_discord, tmp_path):
    fake = fake_discord
    fake.recommended_shards = 2
    guilds = [fake.add_guild(f"Guild {n}", shard=(n, 2)) for n in range(2)]
    members = []
    for guild in guilds:
        fake.add_text_channel(guild, "study")
        members.append(fake.add_member(guild, f"member-{guild.id}"))
    config = write_config(tmp_path, tmp_path / "bot.sqlite3")

    process = await start_bot_process(fake, config, tmp_path / "bot.log")
    try:
        assert await poll(lambda: len(fake.identified_shards) >= 2, 30), fake.identified_shards
        assert sorted(fake.identified_shards) == [(0, 2), (1, 2)]
        assert fake.requests("GET", r"^/gateway/bot$")
        assert await poll(lambda: fake.global_commands, 30)
        for guild, member in zip(guilds, members, strict=True):
            assert await _answered(fake, guild, member)
    finally:
        await stop_bot_process(process)
    assert process.returncode == 0, (tmp_path / "bot.log").read_text()


@pytest.mark.parametrize(("args", "message"), [
    (["--shards", "0-3"], "--shards needs --shard-count"),
    (["--shards", "0-8", "--shard-count", "8"], "shard 8 does not exist with --shard-count 8"),
    (["--shards", "two", "--shard-count", "8"], "is not a shard list such as 0-3"),
    (["--shard-count", "0"], "--shard-count: a number from 1 to 1000"),
    (["run", "--shards", "1,1", "--shard-count", "4"], "shard 1 is listed twice"),
    (["--shards", "1", "--shard-count", "2", "check"], "are for running the bot, not for 'check'"),
])
def test_shard_flags_that_cannot_work_are_refused_in_one_line(args, message, tmp_path, capsys):
    from app.cli import main

    config = write_config(tmp_path, tmp_path / "bot.sqlite3")
    assert main(["--config", str(config), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err
