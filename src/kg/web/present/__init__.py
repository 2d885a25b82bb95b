"""Presenters: results, paths and entities turned into what the templates show (plain dicts)."""
