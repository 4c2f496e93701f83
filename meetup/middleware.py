"""Response headers Django does not set by itself."""

from django.conf import settings
from django.http import HttpResponseBadRequest


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy``: the browser features no page of the site uses stay off."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


class RejectNulInAdminQueriesMiddleware:
    """Answer 400 to an admin URL whose query string holds a NUL character.

    The admin passes search terms and filter values straight to the database, and PostgreSQL
    refuses NUL in a string: without this, ``/admin/...?q=%00`` would be a 500. (The reader
    pages' forms reject NUL with a message of their own; admin forms do so for posted fields.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/") and any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest("The address holds a NUL character.")
        return self.get_response(request)
