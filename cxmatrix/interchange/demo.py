"""The demo matrix (a fictitious company, Corvane), read from the bundled resources/demo.json.

One loader for the window, the command line, the tests and the packaging scripts.
"""

from __future__ import annotations

from cxmatrix.domain.model import Matrix
from cxmatrix.resources import demo_source


def demo_matrix() -> Matrix:
    from cxmatrix.interchange.json.codec import read

    return read(demo_source()).matrix
