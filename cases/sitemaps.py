from django.contrib.sitemaps import Sitemap

from cases.models import Case


class CaseSitemap(Sitemap):
    """Public cases only: a draft's address must not leak through the sitemap."""

    changefreq = "weekly"
    i18n = True

    def items(self):
        return Case.objects.public().order_by("reference").only("reference", "updated_at")

    def lastmod(self, case: Case):
        return case.updated_at
