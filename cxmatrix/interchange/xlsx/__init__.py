"""Writing the Excel workbook colleagues keep working in (and its layout, which the
importer reads back)."""
