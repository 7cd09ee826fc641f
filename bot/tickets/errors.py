"""Why a ticket operation was refused, in words the person who tried it can act on."""

from __future__ import annotations


class TicketError(Exception):
    """A refused ticket operation; `str(error)` is shown to the person who tried it."""


class TicketNotFound(TicketError):
    """No ticket has that number."""


class NotAllowed(TicketError):
    """The actor may not do this to this ticket (not their unit, not their question)."""


class InvalidTransition(TicketError):
    """The ticket's state does not allow the operation (e.g. replying to a resolved ticket)."""


class UnknownUnit(TicketError):
    """A transfer or an opening named a unit the knowledge base does not have."""
