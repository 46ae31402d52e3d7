"""The .cxm document store: SQLite as an application file format. Only this layer writes SQL."""

from cxmatrix.domain.changes import MatrixChange
from cxmatrix.store.document import Document
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
    "CorruptDocument",
    "Document",
    "DocumentError",
    "DocumentInUse",
    "DocumentNotFound",
    "DocumentWriteError",
    "MatrixChange",
    "NewerVersionDocument",
    "NotADocument",
    "ReadOnlyDocument",
]
