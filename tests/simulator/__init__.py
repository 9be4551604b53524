"""Self-tests of the Discord simulator (the `simulator` package), driving a real discord.py bot."""
