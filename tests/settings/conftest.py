"""Fixtures for the settings tests: the engine tests' empty song folder, to try presets on."""

from tests.engine.conftest import song  # noqa: F401 - a fixture
