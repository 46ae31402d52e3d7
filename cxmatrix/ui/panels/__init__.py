"""The docks and bars around the grid: findings, lens, details, status bar, welcome screen."""
