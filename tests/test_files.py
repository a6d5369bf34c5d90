"""Exports and transfer files are written whole or not at all."""

from __future__ import annotations

import os

import pytest

from ilja.files import write_atomically


def test_a_file_is_replaced_whole_and_readable_by_its_owner_only(tmp_path):
    target = tmp_path / "out" / "transfer.csv"
    write_atomically(target, b"old")
    write_atomically(target, b"new, longer content")
    assert target.read_bytes() == b"new, longer content"
    assert target.stat().st_mode & 0o077 == 0
    assert [p.name for p in target.parent.iterdir()] == ["transfer.csv"]


def test_a_write_that_fails_half_way_leaves_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "transfer.csv"
    write_atomically(target, b"previous")

    def crash(*args):
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_atomically(target, b"half")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["transfer.csv"]
