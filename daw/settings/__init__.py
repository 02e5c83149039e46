"""The person's own settings, kept as JSON in the configuration folder: audio settings and
effect and chain presets, read alike by the window, the CLI and the engine."""
