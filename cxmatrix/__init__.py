"""cxmatrix: one clear owner for every customer touchpoint."""

__version__ = "0.1.0"
APP_NAME = "cxmatrix"
ORG_NAME = "cxmatrix"
ORG_DOMAIN = "cxmatrix.app"
