"""Who is signed in and who administers: the roles that need no organisation (recommendations/permissions.py
adds the organisations' members on top)."""

STAFF_ADMIN_GROUP = "Staff administrators"


def signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def token_organisations(user) -> frozenset[int] | None:
    """With an API token (recommendations/api/auth.py sets user.api_token), the only organisation the
    request acts for ({id}, or none for a token without one), whatever else the account may do; else None."""
    token = getattr(user, "api_token", None)
    return None if token is None else frozenset({token.organisation_id} - {None})


def is_staff_admin(user) -> bool:
    """Superusers and staff in the "Staff administrators" group, signed in (a token never acts as one)."""
    if not signed_in(user) or token_organisations(user) is not None:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_upr_staff_admin"):
        user._upr_staff_admin = user.is_staff and user.groups.filter(name=STAFF_ADMIN_GROUP).exists()
    return user._upr_staff_admin
