"""Accounts: roles, passwords, sessions and the audit log (DESIGN.md)."""
