from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through their own workflows (signatures,
    which keep the count exact; the append-only audit log): the admin may
    show them, never add, change or delete them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
