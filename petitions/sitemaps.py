from django.contrib.sitemaps import Sitemap

from petitions.models import Petition


class PetitionSitemap(Sitemap):
    changefreq = "daily"
    i18n = True

    def items(self):
        return Petition.objects.published().order_by("pk").only("slug")
