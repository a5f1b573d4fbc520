"""Annotation data: the JSONL format, inline markup for annotators, checks and converters."""
