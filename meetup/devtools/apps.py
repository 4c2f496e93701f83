from django.apps import AppConfig


class DevToolsConfig(AppConfig):
    name = "meetup.devtools"
    label = "devtools"
    verbose_name = "Development tools"
