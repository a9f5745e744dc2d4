"""The triage table: the one source of every urgent instruction on the site.

Each row is a situation, in the words of the person who notices it, with the tier it belongs to,
what to do, and where that comes from (fact sheet sections 0, 25, 26, 30 and 31). Pages name the
situations that apply to them (MedicalPage.urgent_situations); the top bar, the "When to get help"
box, "Do this today", the guided page (/what-should-i-do-now/), the confirmation page and its
e-mail all render rows from here. Page text may describe an illness, never tell the reader where to
go or how fast: tests/content_checks.py refuses that outside this table.

This wording is a clinical decision: change it only with a clinician's sign-off. When in doubt, a
row sends the reader to emergency care. tests/test_triage_situations.py holds the situations, in a
person's words, and the tier each must reach on every page.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

EMERGENCY = "emergency"
TODAY = "today"
SURGICAL = "surgical-team"
SOON = "soon"
# No warning sign in what the person told the guided page: nothing urgent to do.
ROUTINE = "routine"


@dataclass(frozen=True)
class Tier:
    level: str
    rank: int  # how urgent: a situation may never be shown under a tier of lower rank than its own
    heading: str
    note: str = ""

    def text(self):
        return _fill(self.heading)

    def note_text(self):
        return _fill(self.note) if self.note else ""


TIERS = {
    tier.level: tier
    for tier in (
        Tier(EMERGENCY, 3, _("Call %(number)s now")),
        Tier(
            TODAY,
            2,
            _("Today: see a doctor"),
            _(
                "Your own doctor today, or an emergency room if they cannot see you today. An urgent-care "
                "clinic is not the place for a face that droops: it cannot treat a stroke. Do not drive "
                "yourself if a stroke is possible."
            ),
        ),
        Tier(
            SURGICAL,
            2,
            _("Call your surgical team today"),
            _("Use the team's after-hours number in the evening or at the weekend."),
        ),
        Tier(SOON, 1, _("See a doctor soon (within days, not hours)")),
        Tier(ROUTINE, 0, _("No warning signs in your answers")),
    )
}
# The order tiers are shown in: most urgent first.
ORDER = [EMERGENCY, TODAY, SURGICAL, SOON]

ADULT, CHILD, ANYONE = "adult", "child", "anyone"
# What a row is: a sign a person notices (shown as "if ..."), or a step to take today once a doctor
# has seen them (the "Do this today" box).
SIGN, STEP = "sign", "step"


@dataclass(frozen=True)
class Row:
    key: str
    tier: str
    situation: str  # what the person notices, in their words: the guided page's checkbox
    advice: str  # what the page says
    sources: tuple = ()  # fact sheet keys (SOURCES below); empty where it is the practice's decision
    audience: str = ANYONE
    kind: str = SIGN
    # Rows shown with this one wherever it is shown (after surgery: the signs that mean 911).
    companions: tuple = field(default=())

    def text(self):
        return _fill(self.advice)

    def source_links(self):
        return [SOURCES[key] | {"key": key} for key in self.sources]


def _fill(text):
    return str(text) % {"number": settings.CLINIC_EMERGENCY_NUMBER} if "%(number)s" in str(text) else str(text)


ROWS = (
    # ---- Call 911 now ----
    Row(
        "sudden-droop",
        EMERGENCY,
        _("My face drooped suddenly, on one side or on both sides (or I woke up with it)"),
        _(
            "The face droops suddenly, on one side or on both sides, even with no other sign, even if it "
            "goes away, and if you are not sure. It can be a stroke. Note the time it started."
        ),
        ("MAYO-FAST", "NHSW"),
    ),
    Row(
        "stroke-signs",
        EMERGENCY,
        _("Something else changed suddenly: an arm or leg, my speech, my sight, my balance, or a bad headache"),
        _(
            "A droop comes with any sudden new sign: a numb or weak arm or leg, blurred, double or lost "
            "sight, slurred speech, a severe headache, or loss of balance."
        ),
        ("INOVA", "STCHARLES-BEFAST"),
    ),
    Row(
        "both-sides-spreading",
        EMERGENCY,
        _("Both sides are weak and I have tingling, weak arms or legs, or trouble swallowing or breathing"),
        _(
            "Both sides of the face are weak and there is also tingling in the hands or feet, weakness in "
            "the arms or legs, or any trouble swallowing or breathing. This can be Guillain-Barré "
            "syndrome, which can quickly weaken the muscles used to breathe and swallow."
        ),
        ("NINDS-GBS", "WAKERLEY15"),
    ),
    Row(
        "head-injury",
        EMERGENCY,
        _("It started after a fall, a blow to the head or another head injury"),
        _(
            "The face is weak after a head injury. Call %(number)s or go to an emergency room now. Do not "
            "drive yourself. Weakness after a head injury can come with an injury to the skull or brain."
        ),
        ("NHS-HEADINJ",),
    ),
    Row(
        "face-wound",
        EMERGENCY,
        _("It started right after a cut or deep wound to my face"),
        _(
            "The face went weak right after a cut or deep wound to the face. Go to an emergency room now. "
            "A cut nerve is best repaired within about 72 hours."
        ),
        ("REPAIR22",),
    ),
    Row(
        "after-surgery-danger",
        EMERGENCY,
        _("After surgery, the weakness came with a bad headache, drowsiness, confusion, vomiting or other signs"),
        _(
            "Weakness after surgery comes with a sudden droop, a severe headache, drowsiness, confusion, "
            "vomiting, a seizure, clear fluid from the nose or ear, fever with a stiff neck, or trouble "
            "with an arm, a leg or speech."
        ),
    ),
    Row(
        "child-very-unwell",
        EMERGENCY,
        _("My child has swelling, redness or pain behind the ear, or is drowsy or very unwell"),
        _(
            "A child with a weak face has swelling, redness or pain behind the ear, or is drowsy or very "
            "unwell. Go to an emergency room now, or call %(number)s."
        ),
        audience=CHILD,
    ),
    Row(
        "botox-breathing",
        EMERGENCY,
        _("After Botox injections, I have trouble swallowing, breathing or speaking"),
        _(
            "Trouble swallowing, breathing or speaking in the hours or weeks after botulinum toxin "
            "(Botox) injections. The medicine's effect can spread beyond where it was injected, and this "
            "can be life-threatening."
        ),
        ("MEDLINE-BOTOX",),
    ),
    Row(
        "self-harm",
        EMERGENCY,
        _("I have thoughts of harming myself"),
        _(
            "Thoughts of harming yourself: call or text 988, the Suicide & Crisis Lifeline, any time. If "
            "you are in danger now, call %(number)s."
        ),
        ("LIFELINE-988",),
    ),
    # ---- Today ----
    Row(
        "new-weakness",
        TODAY,
        _("My face has become weak over hours or days, and no doctor has checked it yet"),
        _(
            "New weakness of the face that came on over hours or days, not suddenly, and no doctor has "
            "checked it yet. Treatment such as steroids works best when started within 72 hours."
        ),
        ("AAO13", "NHSW"),
    ),
    Row(
        "both-sides-slow",
        TODAY,
        _("Both sides of my face are weak, it came on slowly, and I have no other signs"),
        _(
            "Both sides of the face are weak, it came on slowly, and there is no other sign. This needs "
            "urgent tests, because the cause is often an illness of the whole body."
        ),
        ("LIN23",),
    ),
    Row(
        "ear-rash",
        TODAY,
        _("I have a painful rash or blisters in or around my ear"),
        _(
            "A weak face with a painful rash or blisters in or around the ear. This can be Ramsay Hunt "
            "syndrome, and treatment works best when started within about 3 days."
        ),
        ("MAYO-RHS",),
    ),
    Row(
        "eye-red",
        TODAY,
        _("My eye does not close and it is red, painful or gritty, or my sight is blurred"),
        _(
            "An eye that does not close fully turns red, painful or gritty, or your sight blurs. An eye "
            "left open can be damaged for good."
        ),
        ("CMAJ14", "EYELIDUK"),
    ),
    Row(
        "child-eye-red",
        TODAY,
        _("My child's eye does not close and it is red, painful or gritty, or they say things look blurred"),
        _(
            "Your child's eye does not close fully and turns red, painful or gritty, or your child says things "
            "look blurred. An eye left open can be damaged for good."
        ),
        ("CMAJ14", "EYELIDUK"),
        audience=CHILD,
    ),
    Row(
        "child-ear",
        TODAY,
        _("My child's face is weak and they have ear pain, fluid from the ear, or a fever"),
        _("A child's face is weak and they have ear pain, fluid coming from the ear, or a fever."),
        ("MALIK12",),
        audience=CHILD,
    ),
    Row(
        "botox-spread",
        TODAY,
        _("After Botox injections, I see double, my eyelids droop, or other muscles feel weak"),
        _(
            "New double vision, drooping eyelids or weakness in other muscles in the hours or weeks after "
            "botulinum toxin (Botox) injections: get medical help today."
        ),
        ("MEDLINE-BOTOX",),
    ),
    # Steps for today, once a doctor has seen the person.
    Row(
        "steroids-today",
        TODAY,
        _("A doctor has found Bell's palsy in the last few days"),
        _(
            "Once a doctor has ruled out a stroke and finds Bell's palsy, ask about steroid tablets such "
            "as prednisone and start them today: they work best within 72 hours. Take the whole "
            "course as prescribed, and do not stop early without asking."
        ),
        ("AAO13", "SULL07"),
        audience=ADULT,
        kind=STEP,
    ),
    Row(
        "antiviral-today",
        TODAY,
        _("A doctor has found Ramsay Hunt syndrome in the last few days"),
        _(
            "If a doctor finds Ramsay Hunt syndrome, start the antiviral medicine and the steroid they "
            "prescribe today: treatment started within 3 days gives a better chance of recovery. "
            "Take the whole course."
        ),
        ("MAYO-RHS-DX",),
        kind=STEP,
    ),
    Row(
        "protect-eye-today",
        TODAY,
        _("My eye does not close fully, blinks weakly, or feels dry"),
        _(
            "If the eye does not close fully, blinks weakly, or feels dry, start protecting it today: "
            "lubricating drops by day and ointment at night. Until someone shows you how to tape "
            "it shut, use a moisture chamber or a clear eye shield at night, and wrap-around glasses "
            "outdoors."
        ),
        ("CMAJ14", "FNC-EYE", "AAFPS"),
        audience=ADULT,
        kind=STEP,
    ),
    Row(
        "child-eye-today",
        TODAY,
        _("My child's eye does not close fully, blinks weakly, or looks dry"),
        _(
            "If your child's eye does not close fully, blinks weakly, or looks dry, start protecting it "
            "today: lubricating drops by day and ointment at night. Ask your child's doctor or "
            "nurse to show you how to keep it closed at night."
        ),
        ("CMAJ14", "AAFPS"),
        audience=CHILD,
        kind=STEP,
    ),
    # ---- Call your surgical team today ----
    Row(
        "after-surgery",
        SURGICAL,
        _("My face became weak days after ear, skull-base or parotid surgery"),
        _(
            "The face becomes weak days after surgery on the ear, the skull base (such as for an acoustic "
            "neuroma) or the parotid gland. This delayed weakness is a known effect, and it often gets "
            "better: after acoustic neuroma surgery it happened in about 9% of people in one review."
        ),
        ("VS-META",),
        companions=("after-surgery-danger",),
    ),
    # ---- Soon ----
    Row(
        "slow-worsening",
        SOON,
        _("The weakness came on slowly over weeks or months, or it keeps getting worse after 3 weeks"),
        _(
            "The weakness came on slowly, over weeks or months, or it keeps getting worse after about 3 "
            "weeks. This is not typical of Bell's palsy and needs tests, often an MRI scan."
        ),
        ("MSD", "AAO13"),
    ),
    Row(
        "no-recovery",
        SOON,
        _("It has been 3 months or more and my face is not getting better"),
        _("Recovery is not complete 3 months after it started: ask for a check by a facial nerve specialist."),
        ("AAO13",),
        audience=ADULT,
    ),
    Row(
        "comes-back",
        SOON,
        _("The weakness has come back on the same side"),
        _("A palsy comes back on the same side. Doctors usually recommend tests, often including an MRI scan."),
        ("MSD",),
    ),
    Row(
        "slow-nerve-signs",
        SOON,
        _("I have slowly noticed other changes, such as numbness of my face or hearing loss"),
        _("Other nerve problems came on slowly, such as numbness of the face or hearing loss."),
        ("INOVA", "STCHARLES-BEFAST"),
    ),
    Row(
        "child-no-recovery",
        SOON,
        _("My child's weakness keeps getting worse after 3 weeks, has not improved by 3 months, or came back"),
        _(
            "A child's weakness keeps getting worse after 3 weeks, has not improved by 3 months, or comes "
            "back. This needs tests."
        ),
        ("MALIK12",),
        audience=CHILD,
    ),
)
BY_KEY = {row.key: row for row in ROWS}

# Every page shows these, whatever it asks for: a sudden droop is a possible stroke on any page.
ALWAYS = ("sudden-droop", "stroke-signs")
# Pages that are not about one condition (home, contact, the form, its confirmation and e-mail,
# error pages) show these.
GENERAL = (
    "both-sides-spreading",
    "head-injury",
    "face-wound",
    "self-harm",
    "new-weakness",
    "both-sides-slow",
    "ear-rash",
    "eye-red",
    "child-ear",
    "after-surgery",
    "slow-worsening",
    "comes-back",
)
# A form that says symptoms began in the last 3 days, and its confirmation: what matters with new
# symptoms, short enough to print with the confirmation on one page.
NEW_SYMPTOMS = ("both-sides-spreading", "head-injury", "new-weakness", "ear-rash", "eye-red")
# The one line at the top of every page (templates/includes/urgent_bar.html), for the sudden-droop row.
BAR_QUESTION = _("Sudden face droop, one side or both, or not sure?")

SOURCES = {
    "MAYO-FAST": {
        "label": "Mayo Clinic: Act FAST if you suspect stroke",
        "url": "https://www.mayoclinic.org/diseases-conditions/stroke/in-depth/health-tip/art-20450579",
    },
    "NHSW": {
        "label": "NHS 111 Wales: Bell's palsy",
        "url": "https://111.wales.nhs.uk/encyclopaedia/b/article/bellspalsy",
    },
    "INOVA": {
        "label": "Inova: Know the signs of stroke",
        "url": "https://www.inovanewsroom.org/ifoh/2017/06/know-the-signs-of-stroke-every-minute-counts/",
    },
    "STCHARLES-BEFAST": {
        "label": "St. Charles Health System: Stroke signs and symptoms (BE FAST)",
        "url": "https://stcharleshealthcare.org/services/stroke-care/stroke-signs-and-symptoms",
    },
    "NINDS-GBS": {
        "label": "National Institute of Neurological Disorders and Stroke: Guillain-Barré syndrome",
        "url": "https://www.ninds.nih.gov/health-information/disorders/guillain-barre-syndrome",
    },
    "WAKERLEY15": {
        "label": "Muscle & Nerve: Bifacial weakness with paresthesias (2015)",
        "url": "https://pubmed.ncbi.nlm.nih.gov/26315943/",
    },
    "NHS-HEADINJ": {
        "label": "NHS: Head injury and concussion",
        "url": "https://www.nhs.uk/conditions/head-injury-and-concussion/",
    },
    "REPAIR22": {
        "label": "Facial nerve repair after injury (2022)",
        "url": "https://pmc.ncbi.nlm.nih.gov/articles/PMC9340172",
    },
    "MEDLINE-BOTOX": {
        "label": "MedlinePlus: OnabotulinumtoxinA injection",
        "url": "https://medlineplus.gov/druginfo/meds/a608013.html",
    },
    "LIFELINE-988": {"label": "988 Suicide & Crisis Lifeline", "url": "https://988lifeline.org/"},
    "AAO13": {
        "label": "Otolaryngology-Head and Neck Surgery: Clinical practice guideline, Bell's palsy (2013)",
        "url": "https://pubmed.ncbi.nlm.nih.gov/24190889/",
    },
    "SULL07": {
        "label": "New England Journal of Medicine: Early treatment in Bell's palsy (2007)",
        "url": "https://doi.org/10.1056/NEJMoa072006",
    },
    "LIN23": {
        "label": "Medicine: Bilateral facial palsy, case report and literature review (2023)",
        "url": "https://doi.org/10.1097/MD.0000000000033263",
    },
    "MAYO-RHS": {
        "label": "Mayo Clinic: Ramsay Hunt syndrome",
        "url": "https://www.mayoclinic.org/diseases-conditions/ramsay-hunt-syndrome/diagnosis-treatment/drc-20351789",
    },
    "MAYO-RHS-DX": {
        "label": "Mayo Clinic: Ramsay Hunt syndrome, diagnosis and treatment",
        "url": "https://www.mayoclinic.org/diseases-conditions/ramsay-hunt-syndrome/diagnosis-treatment/drc-20351789",
    },
    "CMAJ14": {
        "label": "CMAJ: Management of Bell palsy, clinical practice guideline (2014)",
        "url": "https://doi.org/10.1503/cmaj.131801",
    },
    "EYELIDUK": {
        "label": "Eyelid surgery in facial palsy (oculoplastic surgeon)",
        "url": "https://www.eyelidsurgery.co.uk/eyelid-surgery-facial-palsy/",
    },
    "FNC-EYE": {
        "label": "Facial Nerve Center: Eye care",
        "url": "https://www.facialnervecenter.org/eye-care",
    },
    "AAFPS": {
        "label": "Australasian facial plastic practice: Eye care routine in facial palsy",
        "url": "https://www.aafps.com.au/procedures/eye-care-routine-in-facial-palsy/",
    },
    "MALIK12": {
        "label": "Archives of Disease in Childhood: Facial paralysis in a child (2012)",
        "url": "https://ep.bmj.com/content/97/3/82",
    },
    "VS-META": {
        "label": "Annals of Clinical and Experimental Neurology: Facial palsy after acoustic neuroma surgery (2025)",
        "url": "https://doi.org/10.17816/ACEN.1234",
    },
    # For the guided page's timeline (triage/guide.py), from the fact sheet's source list (section 22).
    "BMJBP-P": {
        "label": "BMJ Best Practice: Bell's palsy, prognosis",
        "url": "https://bestpractice.bmj.com/topics/en-gb/118/prognosis",
    },
    "PAR21-NT": {
        "label": "Plastic and Aesthetic Research: Nerve transfer in facial reanimation (2021)",
        "url": "https://parjournal.net/article/view/3870",
    },
    "STAN-MASS": {
        "label": "Stanford Facial Nerve Center: Masseteric nerve transfer",
        "url": "https://med.stanford.edu/ohns/OHNS-healthcare/facialnervecenter/surgical-reanimation/masseteric-nerve-transfer.html",
    },
    "PAR21-G": {
        "label": "Plastic and Aesthetic Research: Innervation options for gracilis free muscle transfer (2021)",
        "url": "https://parjournal.net/article/view/4395",
    },
    "FPUK-GRAC": {
        "label": "Facial Palsy UK: Free gracilis transfer surgery",
        "url": "http://www.facialpalsy.org.uk/support/surgery/free-gracilis-transfer-surgery/",
    },
    "MSD": {
        "label": "MSD Manual Professional: Facial nerve palsy",
        "url": "https://www.msdmanuals.com/professional/neurologic-disorders/neuro-ophthalmologic-and-cranial-nerve-disorders/facial-nerve-palsy",
    },
}


def choices():
    """(key, situation) pairs for the admin's list of situations a page can ask for."""
    return [(row.key, f"{TIERS[row.tier].text()}: {row.situation}") for row in ROWS]


def expand(keys):
    """The rows for these keys, plus the rows every page shows and each row's companions, each once."""
    wanted = [*ALWAYS, *keys]
    for key in list(wanted):
        wanted.extend(BY_KEY[key].companions)
    return [BY_KEY[key] for key in dict.fromkeys(wanted) if key in BY_KEY]


@dataclass
class Group:
    tier: Tier
    rows: list


def grouped(rows, kind=SIGN):
    """Rows of one kind under their tiers, most urgent tier first; an empty tier is left out."""
    return [
        Group(TIERS[level], [row for row in rows if row.tier == level and row.kind == kind])
        for level in ORDER
        if any(row.tier == level and row.kind == kind for row in rows)
    ]


def highest(rows):
    """The most urgent tier among rows (ROUTINE when there are none)."""
    return max((TIERS[row.tier] for row in rows), key=lambda tier: tier.rank, default=TIERS[ROUTINE])
