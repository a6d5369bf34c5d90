"""Outcomes: employment outcomes, rates under dated definitions, KPIs against the plan's targets,
projections to 2030, the dashboard and the XLSX/PDF reports."""
