"""The composition root: configuration, command line and the bot factory that wires the layers."""
