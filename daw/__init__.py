"""MiniDAW: a small multitrack recording studio in one window."""

__version__ = "0.1.0"
