"""Charts of place-based operations: each measure by month with the phases marked, as one Vega-Lite
spec for the page (drawn to SVG for reports by the render engine); and the area as a map of its postcode
sectors and districts with the activities' places. Pure: rows in, a spec (a dict) out."""

from socmap.engines.places.charts import area_spec, measures_spec

__all__ = ["area_spec", "measures_spec"]
