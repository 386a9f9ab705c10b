"""Importing customers and orders: reading files, checking rows, writing them, and the jobs of uploads."""
