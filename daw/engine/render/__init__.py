"""The one renderer: the render plan compiled from the model, the mixing, effects and
renditions it pulls blocks through, and the render processes of a long bounce, alike for
playback and bounce."""
