from django.urls import reverse


class AdminReferrerPolicyMiddleware:
    """Admin pages send only the origin as Referer: search terms in admin URLs never travel on.

    Not `no-referrer`: browsers then send `Origin: null` with forms, which fails Django's CSRF check.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(reverse("admin:index")):
            response["Referrer-Policy"] = "strict-origin"
        return response
