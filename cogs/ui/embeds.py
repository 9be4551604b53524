"""Embed builders for the information commands. Text comes from content data, never from here."""

from __future__ import annotations

import datetime as dt

import discord

from cogs.ui.limits import FIELD_VALUE, clip
from study.editions import Edition
from study.facts import CertificationFacts
from study.fees import FeeEntry, PathCost
from study.syllabus import Module, Syllabus

BRAND = discord.Colour.from_rgb(31, 111, 139)
WARNING = discord.Colour.from_rgb(214, 137, 16)


def fit_lines(lines: list[str], limit: int = 1024, more: str = "…and {n} more") -> str:
    """Whole lines joined while they fit a field, then a line saying how many were left out."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        tail = more.format(n=len(lines) - index)
        if len("\n".join([*kept, line])) + (len(tail) + 1 if index < len(lines) - 1 else 0) > limit:
            return "\n".join([*kept, tail])
        kept.append(line)
    return "\n".join(kept)


def _date(day: dt.date) -> str:
    return day.strftime("%d %b %Y").lstrip("0")


def money(amount: int, currency: str) -> str:
    return f"${amount:,}" if currency == "USD" else f"{amount:,} {currency}"


SWITCH_HINT = "an admin switches with `/admin settings edition`"


def edition_line(edition: Edition) -> str:
    """One line naming the server's edition, for /cpim, /modules and /help."""
    if edition.is_current:
        return (f"This server studies **{edition.name}**, today's exam: "
                f"{'one exam' if edition.single_exam else 'one exam per module'}, {len(edition.modules)} modules.")
    return (f"This server studies **{edition.name}** ({len(edition.modules)} modules, retired). Today's exam is "
            f"CPIM 8 (one exam, eight modules, since June 2023); {SWITCH_HINT}.")


def cpim_embed(facts: CertificationFacts, syllabus: Syllabus, edition: Edition | None = None) -> discord.Embed:
    if edition is not None and edition.single_exam:
        return cpim_current_embed(facts, edition)
    embed = discord.Embed(
        title=f"{facts.name}: {facts.long_name_2017}",
        colour=BRAND,
        description=(
            f"⚠️ **Today's exam differs from what this bot's syllabus follows.** {facts.current_format} "
            f"(as of {_date(facts.current_format_as_of)}; since 2021 the name is *{facts.long_name_current}*). "
            f"This bot drills the knowledge of the five 2017 modules, which the current exam still covers."
            + (f"\n{edition_line(edition)}" if edition is not None else "")
        ),
    )
    for fact in facts.facts:
        label = f"{fact.topic} (2017 exam)" if fact.is_historical else fact.topic
        embed.add_field(name=label, value=f"{fact.text}\n-# as of {_date(fact.as_of)}", inline=False)
    modules = "\n".join(f"**{m.code}** {m.name}: {m.summary}" for m in syllabus.modules)
    embed.add_field(name=f"The five modules (as of {_date(syllabus.as_of)})", value=clip(modules, FIELD_VALUE),
                    inline=False)
    embed.set_footer(text=f"Sources: content/editions/cpim-2017/cpim.toml. Confirm current details on "
                          f"{facts.confirm_prices_at}")
    return embed


def cpim_current_embed(facts: CertificationFacts, edition: Edition) -> discord.Embed:
    """/cpim under a current single-exam edition: its format facts, each with confidence and date."""
    embed = discord.Embed(title=f"{facts.name}: {facts.long_name_current}", colour=BRAND,
                          description=f"{edition_line(edition)} {edition.summary}")
    for fact in edition.exam.facts:
        embed.add_field(name=fact.item.capitalize(),
                        value=f"{fact.text}\n-# confidence {fact.confidence}, as of {_date(fact.as_of)}"[:1024],
                        inline=False)
    for known in facts.facts:
        if not known.is_historical and known.topic in ("Who runs it", "Since", "How many hold it", "Structure since"):
            embed.add_field(name=known.topic, value=f"{known.text}\n-# as of {_date(known.as_of)}", inline=False)
    modules = "\n".join(f"**{m.code}** {m.name}" for m in edition.modules)
    embed.add_field(name=f"The {len(edition.modules)} modules (as of {_date(edition.syllabus.as_of)})",
                    value=clip(modules, FIELD_VALUE), inline=False)
    embed.set_footer(text=f"Sources: content/editions/{edition.key}/. Confirm current details on "
                          f"{facts.confirm_prices_at}")
    return embed


def modules_overview_embed(syllabus: Syllabus, edition: Edition | None = None) -> discord.Embed:
    if edition is None or not edition.single_exam:
        description = f"The five-module structure as of {_date(syllabus.as_of)}. {syllabus.note}"
    else:
        description = f"Today's exam, as of {_date(syllabus.as_of)}. Weights: {edition.weights.label}."
    if edition is not None:
        description = f"{edition_line(edition)}\n{description}"
        syllabus = edition.syllabus
    embed = discord.Embed(title=f"CPIM modules · {edition.name}" if edition else "CPIM modules", colour=BRAND,
                          description=description[:4096])
    for module in syllabus.modules:
        weight = (f" · weight {edition.weights.modules.get(module.key, 0)} %"
                  if edition is not None and edition.single_exam else "")
        embed.add_field(name=module.label, value=f"{module.summary}\n{len(module.topics)} topics{weight}"[:1024],
                        inline=False)
    embed.set_footer(text="/modules module:<name> lists a module's topics")
    return embed


def module_embed(module: Module, syllabus: Syllabus, edition: Edition | None = None) -> discord.Embed:
    embed = discord.Embed(title=module.label, description=module.summary, colour=BRAND)
    for topic in module.topics:
        embed.add_field(name=topic.name, value=topic.covers or "—", inline=False)
    prefix = f"{edition.name} · " if edition is not None else ""
    embed.set_footer(text=f"{prefix}Topics paraphrase the exam content outlines; as of {_date(syllabus.as_of)}")
    return embed


def single_exam_fees_embed(edition: Edition, entry: FeeEntry | None, membership: str, today: dt.date,
                           passed: bool = False) -> discord.Embed:
    """/fees under a single-exam edition: the server's own entry (if any), one exam fee, history apart."""
    embed = discord.Embed(title=f"{edition.name} exam fee", colour=BRAND if entry else WARNING)
    if entry is None:
        embed.description = (
            f"**No {edition.name} price is set for this server**, and the bot ships none: no current price "
            f"could be confirmed from an ASCM page. Look it up on {edition.fees.look_up_at} (member and "
            f"non-member prices differ); an admin can add it with `/admin fees add`.")
    else:
        rows = []
        if membership in ("member", "both"):
            rows.append(f"ASCM member: **{money(entry.member, entry.currency)}** for the exam")
        if membership in ("non-member", "both"):
            rows.append(f"Non-member: **{money(entry.non_member, entry.currency)}** for the exam")
        if entry.bundle:
            rows.append(f"Bundle (learning system + exam): **{money(entry.bundle, entry.currency)}**")
        rows.append(f"Member saving: {money(entry.saving_per_module, entry.currency)}")
        embed.description = "\n".join(rows) + "\nOne exam, one fee: not a sum over modules."
        as_of = (f"in effect since {_date(entry.effective)} (added by this server's admins)\n"
                 f"{entry.source or 'no source given'}")
        embed.add_field(name="As of", value=clip(as_of, FIELD_VALUE), inline=False)
        if passed:
            embed.add_field(name="Your path", value="You have recorded the exam as passed (/passed list).",
                            inline=False)
    if edition.fees.note:
        embed.add_field(name="Note", value=clip(edition.fees.note, FIELD_VALUE), inline=False)
    if edition.fees.history:
        lines = [f"{money(e.member, e.currency)} member / {money(e.non_member, e.currency)} non-member "
                 f"{e.scope} (from {e.effective.year}, {e.confidence})" for e in edition.fees.history]
        embed.add_field(name="History only: the retired five-module exams, per module",
                        value=fit_lines(lines), inline=False)
    embed.add_field(name="Check before you pay", value=f"Confirm current prices on {edition.fees.look_up_at}.",
                    inline=False)
    embed.set_footer(text=f"{edition.name} fees on {_date(today)}")
    return embed


def fees_embed(cost: PathCost, membership: str, module: Module | None, today: dt.date,
               confirm_at: str) -> discord.Embed:
    entry: FeeEntry = cost.entry
    heading = f"CPIM exam fees: {module.code}" if module else "CPIM exam fees"
    embed = discord.Embed(title=heading, colour=BRAND)
    rows = []
    if membership in ("member", "both"):
        rows.append(f"ASCM member: **{money(entry.member, entry.currency)}** per module")
    if membership in ("non-member", "both"):
        rows.append(f"Non-member: **{money(entry.non_member, entry.currency)}** per module")
    embed.description = "\n".join(rows)
    remaining = cost.modules_remaining
    passed = cost.modules_total - remaining
    label = (f"All {cost.modules_total} modules" if passed == 0
             else f"The {remaining} module{'s' if remaining != 1 else ''} you have left")
    totals = []
    if membership in ("member", "both"):
        totals.append(f"member {money(cost.member_total, entry.currency)}")
    if membership in ("non-member", "both"):
        totals.append(f"non-member {money(cost.non_member_total, entry.currency)}")
    embed.add_field(name=label, value=", ".join(totals), inline=False)
    embed.add_field(name="Member saving",
                    value=f"{money(entry.saving_per_module, entry.currency)} per module, "
                          f"{money(cost.member_saving, entry.currency)} in all", inline=False)
    origin = "added by this server's admins" if entry.added_by_guild else f"confidence: {entry.confidence}"
    source = entry.source or "no source given"
    as_of = f"in effect since {_date(entry.effective)} ({origin})\n{source}"
    embed.add_field(name="As of", value=clip(as_of, FIELD_VALUE), inline=False)
    if entry.note:
        embed.add_field(name="Note", value=clip(entry.note, FIELD_VALUE), inline=False)
    historical = "" if entry.added_by_guild else "These are historical figures. "
    embed.add_field(name="Check before you pay",
                    value=f"{historical}Confirm current prices on {confirm_at}; CPIM is a single exam since 2023.",
                    inline=False)
    embed.set_footer(text=f"Fee table in effect on {_date(today)}")
    if (today - entry.effective).days > 365:
        embed.colour = WARNING
    return embed


EMBED_TOTAL_LIMIT = 6000


def help_embed(sections: dict[str, list[tuple[str, str]]], edition: Edition | None = None) -> discord.Embed:
    embed = _help_embed(sections, with_descriptions=True, edition=edition)
    if len(embed) > EMBED_TOTAL_LIMIT - 200:
        # Discord refuses embeds over 6,000 characters: list names only rather than fail as commands grow
        embed = _help_embed(sections, with_descriptions=False, edition=edition)
    return embed


def _help_embed(sections: dict[str, list[tuple[str, str]]], *, with_descriptions: bool,
                edition: Edition | None = None) -> discord.Embed:
    description = "Slash commands, grouped by feature. Admin commands need Manage Server."
    if edition is not None:
        description = f"{edition_line(edition)}\n{description}"
    embed = discord.Embed(title="What I can do", colour=BRAND, description=description)
    for section, commands in sections.items():
        lines = [f"`/{name}`: {description}" if with_descriptions else f"`/{name}`" for name, description in commands]
        value = "\n".join(lines)
        # a field holds 1,024 characters: split long sections into continued fields
        part = 0
        while value:
            cut = value[:1024].rfind("\n") if len(value) > 1024 else len(value)
            cut = cut if cut > 0 else min(len(value), 1024)
            embed.add_field(name=section if part == 0 else f"{section} (cont.)", value=value[:cut], inline=False)
            value = value[cut:].lstrip("\n")
            part += 1
    return embed
