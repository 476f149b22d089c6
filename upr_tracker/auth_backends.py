"""Authentication backends: django-axes' lockout for logins that come with a request."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses logins of a locked-out username and address (django-axes).

    Calls to authenticate() without a request (the test client's login(), a
    shell) have no address to lock and are left to the next backend instead
    of failing, as AxesStandaloneBackend would.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
