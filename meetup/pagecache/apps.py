from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "meetup.pagecache"
    label = "pagecache"
    verbose_name = "Page cache"
