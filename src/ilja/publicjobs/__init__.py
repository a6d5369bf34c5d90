"""Public jobs (서울 동행일자리, 서울 매력일자리): placements, timesheets, payroll and budget."""
