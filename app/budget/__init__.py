"""Budgets of event plans: line items, the contingency rule, approvals, actual spend."""
