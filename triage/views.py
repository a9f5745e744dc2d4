from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from practice.models import TeamMember
from triage import guide
from triage.forms import GuideForm


# The answers are health information: they are read, answered and forgotten. Never saved, never put
# in a URL (the form posts), never logged (sensitive_post_parameters hides them from error reports),
# never cached; the view writes nothing, not even a session.
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def guide_page(request):
    today = timezone.localdate()
    form = GuideForm(request.POST if request.method == "POST" else None, today=today)
    answer = prefill = None
    if form.is_valid():
        answers = form.answers()
        answer = guide.assess(answers, today)
        prefill = {
            "onset": guide.consultation_onset(answer.days),
            "for_whom": guide.consultation_for_whom(answers.who),
        }
    context = {
        "form": form,
        "answer": answer,
        "prefill": prefill,
        "reviewer": TeamMember.objects.reviewers().first(),
        "today": today,
    }
    return render(request, "triage/guide.html", context)
