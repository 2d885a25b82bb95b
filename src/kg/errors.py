"""One small exception family; the web layer maps each to an HTTP status."""

from __future__ import annotations


class KgError(Exception):
    """Base of every error kg reports to a person."""

    status = 500


class DataError(KgError):
    """The data files cannot be read: a syntax error, a missing file."""

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
