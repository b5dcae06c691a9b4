"""收件: read the self-evaluation forms departments hand in, and write perflib's input file per form.

>>> from perflib.intake import read_form, intake                           # doctest: +SKIP
>>> read_form("收件/baiyun-emergency.xlsx", framework="guangzhou-department-overall")   # doctest: +SKIP
<Intake baiyun-emergency.xlsx：已读取（有审核发现），baiyun-emergency 2023，91.88 分，优，审核发现 6 项>
>>> intake(["收件/"], framework="mof-project-self-evaluation", out="params").exit_code  # doctest: +SKIP
0

Modules, one concept each: :mod:`.grid` (any file → grids of cells, merged cells filled, bounded),
:mod:`.labels` (the labels and synonyms, data in ``perflib/data/intake/labels.yaml``), :mod:`.layout`
(where the blocks are, by their labels), :mod:`.values` (a cell → an exact amount, score or rate),
:mod:`.form` (the rows → the input dict), :mod:`.one` (one file:
read, scored, audited, written), :mod:`.bulk` (many files, in a process pool or on Dask), :mod:`.receipt`
(the 收件清单). See ``docs/intake.md``.
"""

from .bulk import forms_in, intake
from .one import read_form
from .receipt import Intake, Receipt
from .refusal import Refusal

__all__ = ["Intake", "Receipt", "Refusal", "forms_in", "intake", "read_form"]
