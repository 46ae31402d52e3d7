"""Writing CSV: one row per touchpoint, one column per department."""
