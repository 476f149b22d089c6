"""Admin for followup (see recommendations/models/followup.py)."""
