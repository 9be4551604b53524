"""Discord's REST API by resource; each module is a mixin of FakeDiscord."""
