"""Use cases: what a command or a button does, as plain async functions over db and study.

Cogs call these and render the result; the command line and the benchmarks call the very same code.
Nothing here imports discord.
"""
