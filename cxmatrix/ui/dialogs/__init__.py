"""The dialogs: matrix and department properties, export options, the import wizard, snapshots,
the review of returned workbooks, and the team server's history and members."""
