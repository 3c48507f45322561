"""Service errors the emulator raises; the moto hook turns them into AWS JSON error responses."""

from __future__ import annotations

import json

__all__ = [
    "EmulatorServiceError",
    "InvalidRequestError",
    "ResourceNotFoundError",
    "SerializationError",
    "UnknownOperationError",
    "ValidationError",
    "service_error",
]


class EmulatorServiceError(Exception):
    """An error the real service would return as a JSON error body."""

    error_type = "InternalServerException"
    status = 400
    message_key = "Message"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> str:
        """The JSON error body as the awsJson1.1 protocol carries it."""
        return json.dumps({"__type": self.error_type, self.message_key: self.message})


class InvalidRequestError(EmulatorServiceError):
    """Athena's modelled InvalidRequestException (unknown ids, wrong states, bad tokens)."""

    error_type = "InvalidRequestException"


class ResourceNotFoundError(EmulatorServiceError):
    """Athena's modelled ResourceNotFoundException."""

    error_type = "ResourceNotFoundException"


class ValidationError(EmulatorServiceError):
    """Request-level constraint violations (length, range, enum, pattern, required)."""

    error_type = "ValidationException"
    # The AWS request validation layer spells it lower-case; botocore accepts both.
    message_key = "message"


class UnknownOperationError(EmulatorServiceError):
    """No operation answers this method and path (REST-JSON) or X-Amz-Target (JSON 1.1)."""

    error_type = "UnknownOperationException"
    status = 404
    message_key = "message"  # the request layer answers it, not Athena's model


class SerializationError(EmulatorServiceError):
    """The body is not JSON or a member has the wrong JSON type."""

    error_type = "SerializationException"
    message_key = "Message"


_MODELLED: dict[str, type[EmulatorServiceError]] = {
    InvalidRequestError.error_type: InvalidRequestError,
    ResourceNotFoundError.error_type: ResourceNotFoundError,
}


def service_error(error_code: str, message: str) -> EmulatorServiceError:
    """The modelled error named ``error_code`` (the codes in ``assumptions`` are plain strings)."""
    return _MODELLED[error_code](message)
