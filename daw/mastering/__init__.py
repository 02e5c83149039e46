"""Mastering and analysis: the master assistant, loudness targets, album mode, and the mix
analysis and report.

A layer of its own above the engine rather than a part of it: it renders and bounces through
the engine as the CLI and the window do, and nothing that plays or exports a song needs it, so
the layers contract keeps the engine from ever reaching up into it.
"""
