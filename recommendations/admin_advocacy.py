"""Admin for advocacy (see recommendations/models/advocacy.py)."""
