"""Data package: carries the trained pipelines of models/ into the wheel as ``lawreport.models``."""
