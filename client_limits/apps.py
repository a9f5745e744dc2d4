from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientLimitsConfig(AppConfig):
    """Who a request comes from (its address behind trusted proxies, as a keyed digest) and how often
    it may post: the form's rate limit and the sign-in lockout both count clients this way."""

    name = "client_limits"
    verbose_name = _("Client limits")
