"""The year after the plan: 运行监控 (monitoring at month N) and 绩效自评 (self-evaluation).

Pure computations in Decimal, table-driven from LIFECYCLE.md: ``lights`` (budget and
indicator lights), ``scores`` (the four score formulas and the qualitative bands),
``grades``; ``judge`` reads how an indicator is judged from its 指标值; ``evaluate`` gives the
per-project results; ``actuals`` reads an execution file. No workbook library here."""
