"""Turning a project into sound: the render plan, the one renderer, bounce and realtime I/O."""
