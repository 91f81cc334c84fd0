"""Password hashing with argon2id: the only place a password is looked at."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from sitewarden.errors import AuthError

MIN_LENGTH = 10
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    """An argon2id hash; refuses passwords too short to resist guessing."""
    if len(password) < MIN_LENGTH:
        raise AuthError(f"a password needs at least {MIN_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; an unknown user costs the same time as a wrong password."""
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
