"""Provider scorecards and open registers: what the public can hold the programs to (issue 19)."""
