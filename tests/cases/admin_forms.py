"""What an admin change form sends back unchanged."""


def admin_form_data(response) -> dict:
    """What the admin change form would send back unchanged: the main form's
    and every inline's current values, with the management forms."""
    data = {}

    def add(form):
        for name, bound in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool) or type(bound).__name__ == "BooleanField":
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif value is not None:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        data[management.add_prefix("TOTAL_FORMS")] = len(formset.initial_forms)  # no blank extra rows
        for form in formset.initial_forms:
            add(form)
    return data
