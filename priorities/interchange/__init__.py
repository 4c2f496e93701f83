"""Interchange formats: what the site reads from and writes to other tools."""
