"""Inspection findings, their timelines and grades; improvement plans evidenced from the work itself."""
