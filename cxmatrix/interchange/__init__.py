"""Files in and out of cxmatrix: JSON, Excel, CSV and PDF. No Qt here.

Readers take a path and return an ``ImportResult``; writers take a matrix and a path. The
format is chosen by the file's extension (see ``formats``).
"""
