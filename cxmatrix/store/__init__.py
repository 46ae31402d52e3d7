"""The .cxm document store: SQLite as an application file format. Only this layer writes SQL."""

from cxmatrix.store.document import Change, Document
from cxmatrix.store.errors import (
    CorruptDocument,
    DocumentError,
    DocumentInUse,
    DocumentNotFound,
    DocumentWriteError,
    NewerVersionDocument,
    NotADocument,
    ReadOnlyDocument,
)
from cxmatrix.store.format import APPLICATION_ID, FILE_SUFFIX, SCHEMA_VERSION

__all__ = [
    "APPLICATION_ID",
    "FILE_SUFFIX",
    "SCHEMA_VERSION",
    "Change",
    "CorruptDocument",
    "Document",
    "DocumentError",
    "DocumentInUse",
    "DocumentNotFound",
    "DocumentWriteError",
    "NewerVersionDocument",
    "NotADocument",
    "ReadOnlyDocument",
]
