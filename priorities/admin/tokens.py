"""Personal API tokens in the admin: an editor makes one, sees its key once, revokes it.

Tokens are personal: an editor's list holds only their own (another's is "not found"), and a
new one is always the signed-in user's. The key is shown on the page that answers the save,
never stored in the clear, in a message or in the session.
"""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone

from ..models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "prefix"]
    fields = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "user", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_queryset(self, request):
        tokens = super().get_queryset(request)
        return tokens if request.user.is_superuser else tokens.filter(user=request.user)

    def get_fields(self, request, obj=None):
        return ["name"] if obj is None else self.fields

    def has_delete_permission(self, request, obj=None):
        # Revoked, not deleted: a token's record (who had it, when it was last used) stays.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.user = request.user
            request.new_api_key = obj.set_new_key()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """The new key, this once, with how to use it."""
        context = {
            **self.admin_site.each_context(request),
            "title": "Your new API token",
            "opts": self.opts,
            "token": obj,
            "key": request.new_api_key,
            "api_url": request.build_absolute_uri("/api/status-updates/"),
        }
        response = TemplateResponse(request, "admin/priorities/apitoken/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)
