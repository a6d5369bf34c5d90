"""Verified facts before selection (issue 21): papers, staff verification, public-record checks
and the selection's treatment of what is still unverified."""
