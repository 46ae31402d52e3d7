"""The JSON interchange format: lossless, read and written."""
