"""Errors that scorehouse reports to the user as a plain message, without a traceback."""


class ScorehouseError(Exception):
    """A problem with the user's input or environment, worded for the user."""


class UnsupportedEstimatorError(ScorehouseError, NotImplementedError):
    """The compiler has no translation for an estimator or one of its settings."""


class MissingColumnError(ScorehouseError, KeyError):
    """An input column the model needs is not available."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""
