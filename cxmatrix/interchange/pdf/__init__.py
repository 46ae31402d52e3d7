"""The PDF report for executive meetings, drawn with reportlab (no Qt).

``cxmatrix.interchange.pdf.export.write`` is the entry point. The parts:

- ``fonts``: the DejaVu fonts shipped in resources/fonts, registered and embedded.
- ``text``: escaping for paragraph markup, fitting and wrapping text with an ellipsis.
- ``theme``: page sizes, margins, colours and type sizes.
- ``pages``: the page frame (header, deferred "Page x of y" footer) and the document.
- ``labels``: department column headings (horizontal, rotated or short codes).
- ``chart``: the responsibility chart, laid out first, then drawn straight on the canvas.
- ``summary``, ``findings``, ``lens``: the other sections, as platypus flowables.
"""
