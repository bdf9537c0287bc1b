"""Briefing Assistant."""
