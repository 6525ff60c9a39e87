"""Core: organisations, users and roles, sharing agreements, the visibility rule, the audit log."""
