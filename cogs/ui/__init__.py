"""Shared renderers: embeds, views and autocomplete used by every cog."""
