"""Sound processing on numpy blocks: gain and pan laws, fades, effects, meters, dither.

Nothing here touches files, devices or the UI; every function works on arrays of shape
(frames, channels), float32, so it runs the same offline and live.
"""
