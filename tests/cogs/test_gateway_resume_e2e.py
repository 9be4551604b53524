"""A dropped gateway connection: the bot process RESUMEs its session (no new IDENTIFY) and keeps answering.

Discord answers a RESUME with a RESUMED event whose data is an object; discord.py 2.7 reads fields from it, so a
fake that sent `null` would crash the client here instead of testing it.
"""

from __future__ import annotations

from tests.bot_process import poll, start_bot_process, stop_bot_process, write_config


async def test_the_bot_process_resumes_after_a_dropped_gateway_and_keeps_answering(fake_discord, tmp_path):
    fake = fake_discord
    guild = fake.add_guild("Chapter")
    channel = fake.add_text_channel(guild, "study")
    member = fake.add_member(guild, "bob")
    config = write_config(tmp_path, tmp_path / "bot.sqlite3")
    log = tmp_path / "bot.log"
    bot = await start_bot_process(fake, config, log)
    try:
        await fake.wait_for_commands(new=True, timeout=30)
        await fake.wait_for_session(timeout=30)
        before = await fake.slash(member, channel, "cpim")
        assert before.embeds
        identifies = fake.identify_count
        await fake.drop_gateway(code=4000)
        assert await poll(lambda: "RESUMED" in log.read_text(encoding="utf-8", errors="replace"), 30), \
            "the bot did not resume"
        after = await fake.slash(member, channel, "cpim")
        assert after.embeds == before.embeds
        assert fake.identify_count == identifies  # resumed, not a new session
    finally:
        await stop_bot_process(bot)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in text, text
    assert bot.returncode == 0
