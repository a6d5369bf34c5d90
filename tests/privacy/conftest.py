"""Fixtures of the privacy tests: a key file per test for the registry."""

from __future__ import annotations

import pytest

from ilja.people.rrn import KeyRing, generate_key_file


@pytest.fixture
def keyring(tmp_path) -> KeyRing:
    return generate_key_file(tmp_path / "keys" / "data-keys.json")
