"""The worksheet class the workbook export writes with: XlsxWriter's, minus a search per
formula that the export does not need.

XlsxWriter prepares every cell formula by running some thirty regular-expression
substitutions that give Excel 365's dynamic-array functions (FILTER, SORT, XLOOKUP, ...)
their ``_xlfn.`` prefix. The export's formulas use Excel 2007 functions only (the test of
Excel's rules checks every formula of the written files against that list), so for them the
substitutions never change anything, and at 20,000 touchpoints they were a third of the
export's time. Formulas of conditional formats and validations still take XlsxWriter's own
path.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet


class PlainFormulaWorksheet(Worksheet):  # type: ignore[misc]
    """A worksheet whose cell formulas are written as given (Excel 2007 functions only)."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if expand_future_functions:
            return str(super()._prepare_formula(formula, expand_future_functions))
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula
