"""One small exception family; the web layer maps each to an HTTP status.

The status says whose fault it is: 4xx the client's (what to change is in
the message), 502/504 the external SPARQL engine's, 503 a limit or a busy
or restarted worker, 500 ours, with an incident id that is in the log.
Query workers send these errors themselves through their pipe, so a type
keeps its meaning from the store to the client.
"""

from __future__ import annotations

import uuid


class KgError(Exception):
    """Base of every error kg reports to a person."""

    status = 500


class DataError(KgError):
    """The data files cannot be read: a syntax error, a missing file."""

    status = 500


class InvalidData(DataError):
    """The data failed validation (SHACL, quotes, hedges): the service will not start on it."""

    status = 500


class BadRequest(KgError):
    """The request is malformed (400)."""

    status = 400


class Forbidden(KgError):
    """The request asks for something the public endpoint does not do (403)."""

    status = 403


class NotFound(KgError):
    """No such entity, query or page (404)."""

    status = 404


class NotAcceptable(KgError):
    """No representation matches the Accept header (406)."""

    status = 406


class PayloadTooLarge(KgError):
    """The request body is over the configured limit (413)."""

    status = 413


class InvalidParameter(KgError):
    """A canned-query parameter has a wrong value (422)."""

    status = 422


class QueryTimeout(KgError):
    """A query ran past its time limit and was stopped (503)."""

    status = 503


class Unavailable(KgError):
    """The service cannot answer now: a query worker died and is being replaced (503)."""

    status = 503


class UpstreamError(KgError):
    """The external SPARQL engine is unreachable, or failed on a query kg sent it (502)."""

    status = 502


class UpstreamTimeout(KgError):
    """The external SPARQL engine did not answer in time, or stopped at its own limit (504)."""

    status = 504


class InternalError(KgError):
    """A fault of kg's own (500): the message says so, the incident id finds it in the log."""

    status = 500

    def __init__(self, message: str, incident: str | None = None) -> None:
        self.incident = incident or uuid.uuid4().hex[:12]
        super().__init__(message, self.incident)  # both in args: the error crosses a pipe pickled

    def __str__(self) -> str:
        return f"{self.args[0]} (incident {self.incident})"
