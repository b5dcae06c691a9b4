"""The workbooks people fill in and get back: the year's form and the monitoring form.

* :mod:`.sheets` — the toolkit both share: columns and their headers, number formats, drop-down lists,
  the cell reader whose every error names sheet, cell and column, and the re-addressing of a params
  file's error to the cell it came from;
* :mod:`.year_form` — the 自评 workbook (``perflib excel-template`` / ``excel-import`` / ``excel-export``);
* :mod:`.monitor_form` — the monitoring form (``perflib monitor-template`` / ``monitor-import``).
"""
