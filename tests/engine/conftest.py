"""Fixtures for the engine tests: an empty song folder to fill."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.engine.songs import Song


@pytest.fixture
def song(tmp_path: Path) -> Song:
    return Song(tmp_path / "Test.minidaw")


@pytest.fixture
def make_song(tmp_path: Path) -> Callable[[str], Song]:
    return lambda name: Song(tmp_path / f"{name}.minidaw")
