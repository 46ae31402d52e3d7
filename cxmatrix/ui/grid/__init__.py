"""The grid: the table model over the matrix, the view, its painting, editing and clipboard."""
