"""Who may call the API, and how often.

Reading needs no account. Writing needs a personal token (``Authorization: Bearer <key>``,
made in the admin: ``priorities.models.tokens``) or an editor's signed-in session (which then
needs its CSRF token, as a form would), and the same rights as the admin: the model's ``add``
permission, and the session written to must be of one of the editor's teams
(``priorities.admin.team_scope``, the one place that rule is written).

Throttles count requests per token's user, or per client address for anonymous ones, at the
rates of ``API_THROTTLE_RATES`` (read on every request, so settings can change them). Reads
served from the page cache are answered before the API runs and count for nothing.
"""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from ..models import ApiToken

SCHEME = "Bearer"


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <key>`` of an active token of an active staff user."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != SCHEME.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                f"The Authorization header must be “{SCHEME} <token>”."
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.") from None
        token = ApiToken.objects.for_key(key)
        if token is None or not (token.user.is_active and token.user.is_staff):
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        token.record_use()
        return (token.user, token)

    def authenticate_header(self, request):
        return f'{SCHEME} realm="api"'


class WritesNeedTheAdminsRights(permissions.DjangoModelPermissions):
    """Anyone reads; writing needs an editor (by token or session) with the model's ``add``
    right, as in the admin. Whose teams they may write to is the serializer's to check."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or request.method not in view.allowed_methods:
            return True  # a method the endpoint does not take is its 405, not a 403
        return super().has_permission(request, view)


class RateThrottle(throttling.SimpleRateThrottle):
    """Per token's user, or per address for anonymous requests, at ``API_THROTTLE_RATES``."""

    def get_rate(self):
        return settings.API_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return (
                None
                if self.scope == "anon"
                else self.cache_format
                % {
                    "scope": self.scope,
                    "ident": request.user.pk,
                }
            )
        if self.scope != "anon":
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AnonymousThrottle(RateThrottle):
    scope = "anon"


class EditorThrottle(RateThrottle):
    scope = "user"


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema names the token: an HTTP bearer scheme."""

    target_class = TokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, made in the admin (API tokens).",
        }
