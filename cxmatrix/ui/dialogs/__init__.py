"""The dialogs: matrix and department properties, PDF export options, the import wizard."""
