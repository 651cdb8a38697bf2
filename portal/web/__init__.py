"""Thin views, one blueprint per audience. Nothing imports this package."""
