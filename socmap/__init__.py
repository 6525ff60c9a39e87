"""socmap: serious and organised crime mapping for police forces, ROCUs and partners."""

__version__ = "0.1.0"
