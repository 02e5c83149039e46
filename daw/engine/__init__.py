"""Turning a project into sound: `render` compiles and renders the mix, `live` plays and records
it on the sound card, `export` writes it to files."""
