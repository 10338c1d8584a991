from django.db import migrations


def forget_hidden_names(apps, schema_editor):
    """Public search knows public people's names only (cases.search): the
    words recorded for draft and internal cases go, and with them every
    vocabulary word no public spelling uses."""
    Case = apps.get_model("cases", "Case")
    CaseNameWord = apps.get_model("cases", "CaseNameWord")
    NameWord = apps.get_model("cases", "NameWord")
    CaseNameWord.objects.exclude(case_id__in=Case.objects.filter(visibility="public").values("pk")).delete()
    NameWord.objects.exclude(pk__in=CaseNameWord.objects.values("word_id")).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_reviewed_revisions_and_statistic_publication")]

    operations = [migrations.RunPython(forget_hidden_names, migrations.RunPython.noop, elidable=True)]
