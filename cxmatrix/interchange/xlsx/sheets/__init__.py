"""One module per sheet of the exported workbook; each writes its sheet with xlsxwriter.

Adding a sheet is adding a module here with a ``write_<sheet>`` function and calling it from
``export.write`` in the order the sheets should appear.
"""
