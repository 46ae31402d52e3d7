"""The desktop editor: a thin PySide6 layer over cxmatrix.store and cxmatrix.domain."""
