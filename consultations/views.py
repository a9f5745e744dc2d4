import logging

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from booking import links
from client_limits import rate_limit
from client_limits.addresses import client_address
from consultations import form_tokens, prefill, submissions, waitlist, waitlist_links
from consultations.forms import TIME_TAKEN, ConsultationRequestForm
from consultations.models import ConsultationRequest
from practice.models import practice_for

logger = logging.getLogger(__name__)

# The confirmation page learns the reference from this signed cookie, never from the URL.
RECEIPT_COOKIE = "consultation_receipt"
RECEIPT_SALT = "consultations.receipt"
RECEIPT_MAX_AGE = 60 * 60
# Tells the form's script that a request was sent from this browser, so that Back from the
# confirmation shows the confirmation again rather than the form (static/js/consultation-form.js).
# Readable by the script, so it says nothing but "sent": the reference stays in the signed cookie.
SENT_COOKIE = "consultation_sent"

EXPIRED_FORM = _("This form was open for a long time. Check your answers and send it again.")
BROKEN_FORM = _("Something went wrong with the form. Check your answers and send it again.")
TOO_QUICK = _("Please check your answers, then send the form again.")
ALREADY_SENT = _(
    "This form was already sent, so the changes you made were not sent. Your answers are below: "
    "to send them as a new request, check them and press “Send my request” again."
)
NOT_SENT = _(
    "Your request was not sent yet: your browser did not send back the cookie this form needs. "
    "Your answers are below. Check them and press “Send my request” again. "
    "If this happens again, allow cookies for this site, or call us."
)


def _render_form(request, form, status=200, notice=None, form_token=None):
    # Files cannot be sent back to the browser: photos in a form shown again must be attached again,
    # unless they are held for it (form.hold_photos, under the token that goes back with the form).
    # A new token cannot claim them: the patient is told to attach them again.
    if form_token is None:
        form.held = {}
    form.mark_photos_not_kept()
    context = {
        "form": form,
        "form_token": form_token or form_tokens.issue_token(),
        "notice": notice,
        # The reply date the confirmation will show if the form is sent now.
        "reply_by": practice_for(request).reply_by(timezone.now()),
    }
    return render(request, "consultations/request_form.html", context, status=status)


def _already_sent(request, form):
    """A changed form sent with a token already used: refused, with the answers and a new token."""
    logger.info("Consultation form sent again with changes under a used token; shown again")
    return _render_form(request, form, status=409, notice=ALREADY_SENT)


def _rate_limited(request):
    logger.warning("Consultation request refused: rate limit reached")
    return render(request, "consultations/rate_limited.html", status=429)


def _receipt(consultation):
    response = redirect("consultations:received")
    # The form's address in the patient's language (/consultation/ or /es/consultation/), where the
    # confirmation they are sent to lives.
    form_path = reverse("consultations:request")
    response.set_signed_cookie(
        RECEIPT_COOKIE,
        consultation.reference,
        salt=RECEIPT_SALT,
        max_age=RECEIPT_MAX_AGE,
        path=form_path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    response.set_cookie(
        SENT_COOKIE,
        "1",
        max_age=RECEIPT_MAX_AGE,
        path=form_path,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Strict",
    )
    return response


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@csrf_exempt  # checked in _send, once the rate limit has passed: the cheapest refusal comes first
def request_consultation(request):
    if request.method != "POST":
        return _blank_form(request)
    if _is_prefill(request):
        return _prefilled_form(request)
    return _send(request)


def _send(request):
    """A post of the form, from its arrival to the stored request; the order of work lives here only.

    Each step costs more than the one before, so a post refused early costs the server almost
    nothing: the rate limit (reads nothing the client sent), the CSRF check, the form token, the
    answers (photos by their headers), the same request sent before, and only then are the photos
    decoded and the request saved (consultations/submissions.py), its mail owed in the same
    transaction (consultations/tasks.py).
    """
    address = client_address(request)
    if not rate_limit.admits(address):
        return _rate_limited(request)
    if (refused := _csrf_refusal(request)) is not None:
        return refused

    form = ConsultationRequestForm(request.POST, request.FILES)
    try:
        token_hash, age = form_tokens.read_token(
            request.POST.get("form_token"), settings.CLINIC_CONSULTATION_FORM_MAX_AGE
        )
    except form_tokens.ExpiredToken:
        # Validated to show the answers again (photos' headers only: nothing is decoded).
        form.is_valid()
        return _render_form(request, form, notice=EXPIRED_FORM)
    except form_tokens.BadToken:
        form.is_valid()
        return _render_form(request, form, notice=BROKEN_FORM)

    # Photos held for this form when it came back with a mistake: after the token check, since a
    # hold is found only under the token it was made for.
    form.take_held_photos(token_hash)
    if not form.is_valid():
        # The same token goes back with the answers: the time spent filling the form counts from
        # when it was first shown, so fixing a typo quickly is not taken for a bot's speed. Nothing
        # was made with the token yet, so it is still unused. The photos that passed their checks
        # are held for it, so that the patient need not attach them again.
        form.hold_photos()
        return _render_form(request, form, form_token=request.POST["form_token"])

    # The request these answers already made (a double click, back and send, or the same answers
    # again within the duplicate window). The fingerprint holds a digest of each photo as sent,
    # so no photo is decoded for this.
    digest = submissions.fingerprint(form.cleaned_data)
    try:
        if (earlier := submissions.earlier_request(token_hash, digest)) is not None:
            form.release_held_photos()
            return _receipt(earlier)
    except submissions.TokenUsed:
        return _already_sent(request, form)

    spam_checks = settings.CLINIC_CONSULTATION_SPAM_CHECKS
    if spam_checks and age < settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS and not form.is_honeypot_filled:
        # People rarely fill a form in this fast; bots do. Ask once more instead of refusing.
        return _render_form(request, form, notice=TOO_QUICK)

    # Last, since it is the costly part: everything that could refuse the request cheaply has passed.
    if not form.decode_photos():
        form.hold_photos()
        return _render_form(request, form, form_token=request.POST["form_token"])

    spam = spam_checks and form.is_honeypot_filled
    try:
        consultation = submissions.save(form, token_hash, digest, address, spam=spam)
    except submissions.TokenUsed:
        return _already_sent(request, form)
    except submissions.RateLimited:
        return _rate_limited(request)
    except submissions.TimeTaken:
        # Nothing was stored. The answers go back with the next free times and the same token, the
        # photos held for it: the patient chooses again and sends.
        form.add_error("visit", TIME_TAKEN)
        form.hold_photos()
        return _render_form(request, form, status=409, form_token=request.POST["form_token"])
    # Sent: the photos held for this form are in the request now, as our own copies.
    form.release_held_photos()
    if spam:
        logger.info("Consultation request %s set aside as spam (honeypot)", consultation.reference)
    else:
        logger.info("Consultation request %s received", consultation.reference)
    return _receipt(consultation)


def _csrf_refusal(request):
    """The CSRF_FAILURE_VIEW's page if the post fails the CSRF check, else None.

    Django's own check (the middleware's), called here because the view is csrf_exempt: the
    middleware would run it before the rate limit.
    """
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})


def _is_prefill(request):
    # The guided page's request button: a small url-encoded POST (never multipart, so never photos);
    # reading it costs no more than reading a query string, and it is not an attempt to send.
    return request.content_type == "application/x-www-form-urlencoded" and "prefill" in request.POST


@csrf_protect
def _prefilled_form(request):
    """From the guided page (triage): onset and who, carried without a URL; shown, never sent."""
    form = ConsultationRequestForm()
    choices = {name: dict(form.fields[name].choices) for name in ("onset", "for_whom")}
    form.initial = {name: request.POST[name] for name in choices if request.POST.get(name) in choices[name]}
    return _render_form(request, form)


@csrf_protect
def _blank_form(request):
    # Pre-selections from the page the patient came from (?condition=, ?treatment=, ?guide=).
    form = ConsultationRequestForm(initial=prefill.initial(request.GET))
    # Unknown pre-selections are dropped rather than shown as an error before anything was typed.
    if form.initial.get("concern") not in dict(form.fields["concern"].choices):
        form.initial.pop("concern", None)
    known = dict(form.fields["treatments"].choices)
    form.initial["treatments"] = [slug for slug in form.initial.get("treatments", []) if slug in known]
    return _render_form(request, form)


@never_cache
@require_http_methods(["GET", "HEAD"])
def request_received(request):
    reference = request.get_signed_cookie(RECEIPT_COOKIE, default=None, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    consultation = ConsultationRequest.objects.filter(reference=reference).first() if reference else None
    if consultation is None:
        return redirect("consultations:request")
    context = {"consultation": consultation, "reply_by": practice_for(request).reply_by(consultation.created_at)}
    if (booking := consultation.booking) is not None and booking.holds_its_time:
        context["booking"] = booking
        context.update({f"{purpose}_url": links.url(booking, purpose) for purpose in links.PURPOSES})
        if waitlist.can_join(consultation, booking):
            context["waitlist_url"] = waitlist_links.join_url(booking)
            context["on_waitlist"] = waitlist.waiting_entry(booking) is not None
    return render(request, "consultations/request_received.html", context)


@sensitive_post_parameters()
@never_cache
def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a page in the site's layout, in plain words, status 403.

    On the consultation form the patient's answers are shown again (validated and escaped like any
    post) with a new CSRF cookie and token, so nothing they typed is lost. The form keeps its own
    token when it is genuine: sending it again still makes one request. Photos are checked by their
    headers only, never decoded: the post was refused, and decoding is the costly part.
    """
    try:
        is_consultation = resolve(request.path_info).view_name == "consultations:request"
    except Resolver404:
        is_consultation = False
    if not is_consultation or request.method != "POST":
        return render(request, "403_csrf.html", status=403)
    logger.warning("Consultation form refused by the CSRF check; answers shown again")
    form = ConsultationRequestForm(request.POST, request.FILES)
    posted_token = request.POST.get("form_token", "")
    try:
        token_hash, _age = form_tokens.read_token(posted_token, settings.CLINIC_CONSULTATION_FORM_MAX_AGE)
    except form_tokens.BadToken:
        posted_token = None
    else:
        # Photos already held for this form stay attached (nothing new is held: the post was refused).
        form.take_held_photos(token_hash)
    form.is_valid()
    return _render_form(request, form, status=403, notice=NOT_SENT, form_token=posted_token)
