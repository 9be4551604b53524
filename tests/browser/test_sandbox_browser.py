"""`python bot.py sandbox` in a real browser: headless Chromium (Debian's package) driven by Playwright.

One sandbox process and one page for the module; each test acts as a member would, through the page only,
and saves a screenshot of what it saw in tests/browser/screenshots/ (git ignores it). Without Chromium or
Playwright the tests skip and say why; in CI (.ci/run installs both) a missing browser is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("SANDBOX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
STARTUP_LIMIT = 15.0  # seconds from the command to the page showing the server (the promise)


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -r requirements-dev.txt)"
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; .ci/run does it)"
    return None


MISSING = _missing()
if MISSING and os.environ.get("CI"):
    pytest.fail(f"browser tests cannot run in CI: {MISSING}", pytrace=False)
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


def _start(data: Path, *extra: str) -> Iterator[dict[str, Any]]:
    """`python bot.py sandbox` as a person runs it; stopped with Ctrl-C, which must end it cleanly."""
    started = time.monotonic()
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    process = subprocess.Popen(
        [sys.executable, "bot.py", "sandbox", "--port", "0", "--data-dir", str(data), *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url, seen = None, []
    assert process.stdout is not None
    while url is None:
        line = process.stdout.readline()
        if not line:
            pytest.fail("the sandbox stopped before it was ready:\n" + "".join(seen))
        seen.append(line)
        match = re.search(r"open (http://127\.0\.0\.1:\d+/)", line)
        if match:
            url = match.group(1)
    info: dict[str, Any] = {"url": url, "started": started, "data": data, "output": seen}
    try:
        yield info
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
            pytest.fail("the sandbox did not stop within 30 s of Ctrl-C")
        assert process.returncode == 0, output
        assert "sandbox stopped" in output


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for the module (Playwright's sync API allows one driver per thread)."""
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists()
                                              else shutil.which("chromium"), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser: Any, info: dict[str, Any]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1180, "height": 760}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(info["url"])
    page.wait_for_selector("body[data-ready='1']")
    info["page_up"] = time.monotonic() - info["started"]
    yield page
    context.close()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    yield from _start(tmp_path_factory.mktemp("sandbox-data"), "--fresh")


@pytest.fixture(scope="module")
def page(browser: Any, sandbox: dict[str, Any]) -> Iterator[Any]:
    yield from _open(browser, sandbox)


@pytest.fixture(scope="module")
def demo_page(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    for info in _start(tmp_path_factory.mktemp("sandbox-demo"), "--demo"):
        yield from _open(browser, info)


# ---------------------------------------------------------------------- acting like a person
def act_as(page: Any, name: str) -> None:
    value = page.eval_on_selector("#member", "(s, name) => [...s.options].find(o => o.text.split(' ')[0] === name)"
                                             ".value", name)
    page.select_option("#member", value=value)
    page.wait_for_function("v => (document.body.dataset.view || '').startsWith(v + ':')", arg=value)


def open_channel(page: Any, name: str) -> None:
    if name == "dm":
        page.click("#dms a")
    else:
        page.click(f"#channels a:text-is('# {name}')")
    page.wait_for_function("name => document.querySelector('#channel-title').textContent.includes(name)",
                           arg="Direct messages" if name == "dm" else name)
    page.wait_for_function("() => document.body.dataset.view.endsWith(':' + ui.channel)")


def run(page: Any, command: str, **options: str) -> Any:
    """Type the command, fill its options (selects by label), press Run; return the new message's locator."""
    before = page.locator("#messages li.msg").count()
    page.fill("#command", command)
    page.dispatch_event("#command", "input")
    for name, value in options.items():
        field = page.locator(f"[data-option='{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    page.click("#run")
    page.wait_for_function("n => document.querySelectorAll('#messages li.msg').length > n", arg=before)
    message = page.locator("#messages li.msg").last
    page.wait_for_function("() => !document.querySelector('#messages li.msg:last-child .thinking')")
    return message


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def clock_now(page: Any) -> dt.datetime:
    return dt.datetime.fromisoformat(page.get_attribute("#clock-now", "datetime"))


def move_clock(page: Any, step: str) -> None:
    before = clock_now(page)
    page.click(f"#clock button[data-step='{step}']")
    page.wait_for_function("() => document.querySelector('#clock-said').textContent.startsWith('moved')",
                           timeout=120_000)
    assert clock_now(page) > before
    page.wait_for_function("() => !document.querySelector('#clock button').disabled")


# ---------------------------------------------------------------------- the walks
def test_page_is_up_within_fifteen_seconds(page: Any, sandbox: dict[str, Any]) -> None:
    assert page.inner_text("#server-name") == "CPIM Study Chapter"
    assert sandbox["page_up"] < STARTUP_LIMIT, f"page up after {sandbox['page_up']:.1f} s"
    channels = page.locator("#channels a").all_inner_texts()
    assert channels == ["# general", "# daily-question"]


def test_quiz_answer_shows_the_explanation(page: Any) -> None:
    act_as(page, "Ben")
    open_channel(page, "general")
    message = run(page, "quiz", count="10")
    assert "Quiz: question 1 of 10" in message.inner_text()
    assert "Only you can see this" in message.inner_text()
    for _ in range(9):  # answer A until one is missed, so /export anki has something to export
        message.locator("button", has_text=re.compile(r"^A$")).click()
        page.wait_for_function("() => document.querySelector('#messages li.msg:last-child').innerText.includes('Why:')")
        text = message.inner_text()
        assert "Why:" in text
        if "Not quite" in text:
            break
        message.locator("button", has_text="Next question").click()
        page.wait_for_function("() => !document.querySelector('#messages li.msg:last-child').innerText"
                               ".includes('Why:')")
    shot(page, "quiz")
    # the flag button opens the bot's modal as a form
    message.locator("button", has_text="Flag this question").click()
    page.wait_for_selector("#modal[open]")
    assert page.inner_text("#modal-title") == "Flag this question"
    page.fill("#modal-fields textarea", "The stem could name the planning horizon.")
    shot(page, "flag-modal")
    page.click("#modal-submit")
    page.wait_for_function("() => !document.querySelector('#modal').open")
    page.wait_for_function("() => document.querySelector('#messages').innerText.includes('is flagged for the admins')")


def test_daily_post_appears_and_counts_answers(page: Any) -> None:
    act_as(page, "Olivia")
    open_channel(page, "general")
    post_at = (clock_now(page) + dt.timedelta(hours=2)).strftime("%H:%M")
    # the time zone comes from the bot's live autocomplete, as a person would pick it
    page.fill("#command", "daily setup")
    page.dispatch_event("#command", "input")
    page.select_option("[data-option='channel']", label="#daily-question")
    page.fill("[data-option='time']", post_at)
    page.fill("[data-option='reveal_after']", "30")
    page.click("[data-option='timezone']")
    page.keyboard.type("Etc/UT")
    page.locator(".choices[data-for='timezone'] li", has_text="UTC").first.click()
    assert page.input_value("[data-option='timezone']").endswith("UTC")
    before = page.locator("#messages li.msg").count()
    page.click("#run")
    page.wait_for_function("n => document.querySelectorAll('#messages li.msg').length > n", arg=before)
    assert "The daily question is set up" in page.locator("#messages li.msg").last.inner_text()

    move_clock(page, "day")
    open_channel(page, "daily-question")
    post = page.locator("#messages li.msg").last
    assert "No answers yet" in post.inner_text()
    for member in ("Ben", "Chen"):
        act_as(page, member)
        post = page.locator("#messages li.msg", has_text="so far").or_(
            page.locator("#messages li.msg", has_text="No answers yet")).last
        post.locator("button").first.click()
        page.wait_for_function("() => [...document.querySelectorAll('#messages li.msg.ephemeral')].length > 0")
    page.wait_for_function("() => document.querySelector('#messages').innerText.includes('2 answers so far')",
                           timeout=30_000)
    shot(page, "daily")


def test_reminder_dm_arrives_with_snooze_buttons(page: Any) -> None:
    act_as(page, "Ben")
    open_channel(page, "general")
    # the text comes back in the DM: markdown is rendered, HTML is shown as text, never run
    text = "Review the MRP chapter **now** <img src=x onerror=alert(1)>"
    message = run(page, "remind me", when="in 2 hours", text=text)
    assert "Reminder #" in message.inner_text()
    move_clock(page, "hour")
    move_clock(page, "hour")
    open_channel(page, "dm")
    page.wait_for_function("() => document.querySelector('#messages').innerText.includes('Review the MRP chapter')")
    dm = page.locator("#messages li.msg", has_text="Review the MRP chapter").last
    labels = dm.locator("button").all_inner_texts()
    assert "Snooze 10 min" in labels and "Snooze 1 h" in labels, labels
    assert "<img src=x onerror=alert(1)>" in dm.inner_text()
    assert dm.locator("img[src='x']").count() == 0
    assert dm.locator("strong", has_text="now").count() == 1
    shot(page, "reminder-dm")


def test_progress_shows_its_chart(page: Any) -> None:
    act_as(page, "Ben")
    open_channel(page, "general")
    message = run(page, "progress")
    image = message.locator("img.e-image")
    image.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 100", arg=image.element_handle())
    image.scroll_into_view_if_needed()
    shot(page, "progress")


def test_export_anki_offers_a_download(page: Any) -> None:
    act_as(page, "Ben")
    message = run(page, "export anki")
    link = message.locator("a.file")
    link.wait_for()
    assert link.get_attribute("download") == "cpim-missed.apkg"
    with page.expect_download() as download:
        link.click()
    saved = download.value.path()
    assert saved is not None and Path(saved).stat().st_size > 1000


def test_every_help_command_can_be_run_from_the_page(page: Any) -> None:
    act_as(page, "Olivia")
    open_channel(page, "general")
    message = run(page, "help")
    listed = set(re.findall(r"^/([a-z][a-z0-9_ -]*?)(?=:|$)", message.locator(".embed").inner_text(), re.M))
    assert len(listed) > 20, listed
    offered = set(page.eval_on_selector_all("#command-list option", "options => options.map(o => o.value)"))
    assert listed <= offered, sorted(listed - offered)
    # each option of each command has a field the page knows how to fill
    kinds = page.evaluate("() => ui.leaves.flatMap(l => l.options.map(o => o.type))")
    assert set(kinds) <= {3, 4, 5, 6, 7, 8, 9, 10, 11}


def test_demo_chapter_shows_real_looking_figures(demo_page: Any) -> None:
    page = demo_page
    act_as(page, "Ben")
    open_channel(page, "general")
    board = run(page, "leaderboard", period="month")
    assert "right of" in board.inner_text()
    plan = run(page, "studyplan")
    assert "MPR" in plan.inner_text()
    mine = run(page, "progress")
    assert re.search(r"\d+ answers", mine.inner_text())
    act_as(page, "Olivia")
    group = run(page, "group progress")
    assert "Members active in the last 7 days: 4" in group.inner_text()
    assert "MPR · @Ben" in group.inner_text()
    shot(page, "demo-group-progress")
