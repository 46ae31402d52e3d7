"""Errors of the interchange formats: the user's file is bad, or cannot be written."""

from __future__ import annotations


class InterchangeError(Exception):
    """A file could not be read or written; the message names the file and the place."""


class ImportFailed(InterchangeError):
    """The input file cannot be imported. Nothing was changed."""


class ExportFailed(InterchangeError):
    """The output file could not be written. No partial file is left behind."""


class UnsupportedFormat(InterchangeError):
    """No reader or writer for this file extension."""
