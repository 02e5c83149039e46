"""Writing the mix to files: bounce, the file writer, stems, the tail and the loudness report."""
