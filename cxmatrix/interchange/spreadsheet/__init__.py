"""Importing the spreadsheets users already have (.xlsx, .xlsm, .csv, .tsv):
reading, finding the matrix in a sheet, building it, and reporting what was done."""
