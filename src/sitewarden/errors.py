"""The one exception tree; every message is written for the person running sitewarden.

    SitewardenError(message, hint=None)        base: str(error) is the user-facing message
     ├── ConfigError(file, line, path)          one problem in a config file (ConfigErrors gathers several)
     │    └── ConfigErrors(errors)              every problem found in one config load
     ├── StoreError                             the database cannot be opened, migrated, read or written
     ├── CatalogError                           release or advisory data is missing or unusable
     │    └── ImportFailed                      an import was refused; the previous catalogue stays in force
     ├── InventoryError                         an inventory cannot be collected or understood
     ├── DeliveryError(permanent)               a notification could not be delivered
     ├── AuthError                              a login, token or permission was refused
     ├── NotFound                               a named site, check or user does not exist
     ├── Conflict                               a change clashes with what is stored (name taken, read-only)
     ├── UsageError                             a command or request asks for something that cannot be done
     └── InputFileError                         a file handed to an import cannot be read (names FILE:LINE)

Exit codes: 2 for configuration and usage problems, 3 (unknown) for everything else a command cannot finish.
"""

from __future__ import annotations


class SitewardenError(Exception):
    """Base of every error sitewarden shows to a user."""

    exit_code = 3

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ConfigError(SitewardenError):
    """A config file has a problem at a known place."""

    exit_code = 2

    def __init__(
        self, message: str, *, file: str = "", line: int | None = None, path: str = "", hint: str | None = None
    ) -> None:
        super().__init__(message, hint)
        self.file = file
        self.line = line
        self.path = path

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where = f"{where}:{self.line}"
        prefix = f"{where}: " if where else ""
        path = f"{self.path}: " if self.path else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{prefix}{path}{self.message}{hint}"


class ConfigErrors(ConfigError):
    """Every problem found while loading one config file, in file order."""

    def __init__(self, errors: list[ConfigError]) -> None:
        first = errors[0] if errors else ConfigError("invalid configuration")
        super().__init__(first.message, file=first.file, line=first.line, path=first.path, hint=first.hint)
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


class StoreError(SitewardenError):
    """The database cannot be opened, migrated, read or written."""


class CatalogError(SitewardenError):
    """Release or advisory data is missing or unusable."""


class ImportFailed(CatalogError):
    """A catalogue import was refused; the catalogue stored before it stays in force."""


class InventoryError(SitewardenError):
    """An inventory cannot be collected or understood."""


class DeliveryError(SitewardenError):
    """A notification could not be delivered; permanent ones are not retried."""

    def __init__(self, message: str, *, permanent: bool = False, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.permanent = permanent


class AuthError(SitewardenError):
    """A login, token or permission was refused."""


class NotFound(SitewardenError):
    """A named site, check or user does not exist."""

    exit_code = 2


class Conflict(SitewardenError):
    """A change clashes with what is stored: the name is taken, or the site is the config file's and read-only."""

    exit_code = 2


class UsageError(SitewardenError):
    """A command or API request asks for something that cannot be done as asked (a past date, a missing reason)."""

    exit_code = 2


class InputFileError(SitewardenError):
    """A file handed to `sites import` is unreadable, malformed or too large; the message names FILE:LINE."""

    exit_code = 2
