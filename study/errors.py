"""The error type for input a person gave that cannot be used; its text is shown to them as is."""


class UserInputError(ValueError):
    """Bad input from a member or admin. str() is a friendly sentence that says what to do instead."""
