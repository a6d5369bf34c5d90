"""Fixtures of the ops tests: the registry's key file, as the rights tests make it."""

from tests.rights.conftest import keyring  # noqa: F401
