"""The questions a patient answers on the consultation form, declared once, in the order the page asks them.

Everything that lists the patient's answers derives from QUESTIONS: the form's fields and their
order on the page (consultations/forms.py, templates/consultations/request_form.html), what makes
two requests the same request (consultations/submissions.py), the request's page and the columns
Front desk may not see in the admin (consultations/admin.py) and the CSV export
(consultations/csv_export.py). A new question is a line here, next to the model field that keeps it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ABOUT_YOU = _("About you")
WHAT_BOTHERS_YOU = _("What bothers you")


@dataclass(frozen=True)
class Question:
    # The form field, and the answer's key in the request's fingerprint.
    name: str
    # The fieldset it is asked in.
    section: str
    # The model field staff read the answer from, when it is not `name` (a slug is kept as its title).
    kept_in: str = ""
    # About the patient's health: only a Manager may list, filter or export by it (consultations/admin.py).
    health: bool = False

    @property
    def column(self):
        return self.kept_in or self.name


QUESTIONS = (
    Question("for_whom", ABOUT_YOU),
    # Asked only for "My child" (consultations/forms.py); blank otherwise.
    Question("child_first_name", ABOUT_YOU),
    Question("child_age", ABOUT_YOU),
    Question("name", ABOUT_YOU),
    Question("email", ABOUT_YOU),
    Question("phone", ABOUT_YOU),
    Question("preferred_contact", ABOUT_YOU),
    Question("best_time", ABOUT_YOU),
    Question("bothers", WHAT_BOTHERS_YOU, health=True),
    Question("onset", WHAT_BOTHERS_YOU),
    # The condition's slug is kept too (`concern`); staff read the title as the patient saw it.
    Question("concern", WHAT_BOTHERS_YOU, kept_in="concern_title", health=True),
    Question("treatments", WHAT_BOTHERS_YOU, kept_in="treatments_of_interest", health=True),
    Question("patient_type", WHAT_BOTHERS_YOU),
    Question("message", WHAT_BOTHERS_YOU, health=True),
    Question("heard_from", WHAT_BOTHERS_YOU),
)
NAMES = tuple(question.name for question in QUESTIONS)
SECTIONS = tuple(dict.fromkeys(question.section for question in QUESTIONS))
