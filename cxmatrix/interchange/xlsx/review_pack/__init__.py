"""Review packs: one workbook per department for its lead to agree with or dispute its column
(``writer``), read back when returned (``reader``); ``layout`` is what both sides share."""
