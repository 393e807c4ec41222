"""Sinks: write the model out as a document (the 绩效文本 as .docx, …)."""
