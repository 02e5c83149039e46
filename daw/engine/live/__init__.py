"""Playing and recording on the sound card: transport, audio I/O (the only sounddevice and rtmixer
code), render-ahead playback, input monitoring, the recorder and the recovery of lost takes."""
