"""Metric maths shared by training, monitoring checks, uplift and the report: no warehouse,
no spec, no scorehouse import but its own."""
