"""The matrices people start from: a blank matrix with the default journey stages.

The window's File > New and the command line's ``new`` start from the same template.
"""

from __future__ import annotations

from cxmatrix.domain.model import DEFAULT_STAGES, Matrix


def blank_matrix(title: str = "Untitled matrix") -> Matrix:
    """A matrix with the default stages (Awareness ... Incidents), no departments yet."""
    matrix = Matrix(title=title)
    for name in DEFAULT_STAGES:
        matrix.add_stage(name)
    return matrix
