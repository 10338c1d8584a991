from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import sign_in
from accounts.audit_registry import audit_actions
from accounts.models import AuditEntry, Invitation
from accounts.two_factor import fresh_second_factor_required
from core.read_only_admin import ReadOnlyAdmin


class ActionFilter(admin.SimpleListFilter):
    """By registered label (accounts.audit_registry): the column has no choices."""

    title = _("what")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return sorted(((code, str(label)) for code, label in audit_actions), key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the log is only ever added to, by the workflows."""

    list_display = ["at", "actor_name", "action_label", "subject_type", "subject_id", "target_type", "target_id"]
    list_filter = [ActionFilter]
    search_fields = ["actor_name", "reason", "target_id"]
    show_full_result_count = False

    @admin.display(description=_("what"), ordering="action")
    def action_label(self, entry: AuditEntry) -> str:
        return entry.get_action_display()


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent from the organisers' pages, which mail the link."""

    list_display = ["email", "subject", "role", "case_editor", "invited_by", "created_at", "accepted_at"]
    readonly_fields = [field.name for field in Invitation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# One sign-in for the whole site: the admin's own login page would be a
# second, unthrottled way to try passwords.
admin.site.login = sign_in.admin_login  # type: ignore[method-assign]  # replaces the admin's own login view


class FreshForChanges:
    """Accounts and groups carry roles (staff, case editors, organisers):
    changing them asks for a fresh second factor (accounts.two_factor)."""

    def changeform_view(self, request, *args, **kwargs):
        return fresh_second_factor_required(super().changeform_view)(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return fresh_second_factor_required(super().delete_view)(request, *args, **kwargs)


class PleaUserAdmin(FreshForChanges, UserAdmin):
    def user_change_password(self, request, *args, **kwargs):
        return fresh_second_factor_required(super().user_change_password)(request, *args, **kwargs)


class PleaGroupAdmin(FreshForChanges, GroupAdmin):
    pass


for model, model_admin in ((get_user_model(), PleaUserAdmin), (Group, PleaGroupAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)

# No second factors in the admin: adding a recovery code or an authenticator
# to someone else's account there would pass their second step unaudited.
# Staff reset a lost phone on the audited reset page (accounts.two_factor_views.reset).
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
