"""Watches: what changed for a saved search, State, theme or recommendation (public data only), the email
digests `send_digests` sends, and the private Atom feed's items."""
