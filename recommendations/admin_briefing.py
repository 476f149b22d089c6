"""Admin for briefing (see recommendations/models/briefing.py)."""
