"""The Qt window: transport, timeline, mixer and dialogs. The only package that imports Qt.

The UI owns no audio logic: it edits the project through `Session.edit` (so every edit is one
undo step) and shows what the engine reports.
"""
