"""Use cases: the only layer that commits, sends mail and writes files.

Services take plain arguments, the acting user included, and never read Flask's request globals, so the web and
the command line share one code path.
"""


class ServiceError(Exception):
    """A use case refused: the message says what to fix; `field`, when given, names the form field to fix."""

    def __init__(self, message: str = "", field: str | None = None):
        super().__init__(message)
        self.field = field


class NotFound(ServiceError):
    pass
