"""Helpers shared by more than one test package (node, e2e, kit)."""
