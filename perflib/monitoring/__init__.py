"""绩效运行监控: mid-year monitoring of targets and spending, lit by rules that are data.

* :mod:`.snapshot` — the snapshot file ``params/<code>/<year>-<MM>.yaml`` beside the year's file;
* :mod:`.rules` — monitoring rules files (bands, checkpoints, when a reason is required);
* :mod:`.monitor` — the lights and the findings of one snapshot (``perflib monitor``).
"""
