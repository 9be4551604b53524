"""Hypothesis strategies for what members and admins type: near-valid text, injection, and noise."""

from __future__ import annotations

import os

from hypothesis import strategies as st

# CI runs each fuzz test with its small example budget; bench/fuzz_bench.py sets FUZZ_SCALE for a long run.
SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))


def examples(count: int) -> int:
    """count examples in CI, count × FUZZ_SCALE in a long run."""
    return count * SCALE

INJECTION = ["@everyone", "@here", "<@1>", "<@!2>", "<@&3>", "**", "__", "`", "```", "||", "~~", "> ", "# ", "-# ",
             "[x](http://e.example)", "=HYPERLINK(\"http://e\")", "+1", "-1", "'", "\"", "\\", "\x00", "\u202e",
             "\n", "\r\n", "\t", "　", "🙂", "\ufeff", "e\u0301", "ǅ"]
NEAR_TIMES = ["19:30", "7pm", "07:00", "24:00", "23:60", "7", "noon", "midnight", "-1:00", "1e3", "٣:٠٠", "１９:３０",
              "12am", "12pm", "0:0", "99:99", "7 pm", "19h30", "T19:30"]
NEAR_WHEN = ["tomorrow 7pm", "in 2 hours", "in 0 minutes", "in -5 hours", "in 999999999 years", "2027-03-01 18:00",
             "next monday", "tomorrow 7", "yesterday", "now", "in 1e309 days", "9999-12-31 23:59", "0000-01-01",
             "in 2 fortnights", "2027-02-30 10:00", "2027-03-28 02:30"]
NEAR_DAYS = ["daily", "weekdays", "weekends", "mon-fri", "fri-mon", "mon,wed,fri", "monday", "sun-sun", "mon--fri",
             ",,", "mon,", "-", "30,14,7,3,1,0", "default", "off", "1,1,1", "-1", "99999999999999999999", "0"]
NEAR_DATES = ["2027-06-01", "2027-02-29", "2028-02-29", "1900-01-01", "9999-12-31", "2027-6-1", "01/06/2027",
              "2027-06-01T00:00", "+2027-06-01", "２０２７-０６-０１", "0001-01-01"]
NEAR_ZONES = ["Europe/Berlin", "UTC", "localtime", "posixrules", "Factory", "right/UTC", "posix/Europe/Berlin",
              "../../etc/passwd", "Europe/Berlin\x00", "EUROPE/BERLIN", "/Europe/Berlin", "Etc/GMT+14", "Etc/GMT+15"]


def noisy(words: list[str]) -> st.SearchStrategy[str]:
    """One of the words, mangled: injection pasted around it, random characters, or plain noise."""
    word = st.sampled_from(words)
    junk = st.text(max_size=20)
    inject = st.sampled_from(INJECTION)
    return st.one_of(
        word,
        st.builds(lambda a, w, b: a + w + b, st.one_of(junk, inject), word, st.one_of(junk, inject)),
        st.text(max_size=200),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=150, max_size=6000),
    )
