"""schema.org JSON-LD for the public pages, built as plain dicts and rendered by {% json_ld %}."""

from django.conf import settings


def absolute(path):
    return settings.CLINIC_SITE_URL + path


def practice_nodes(practice):
    clinic_id = absolute("/#practice")
    physician = {
        "@type": "Physician",
        "@id": absolute("/about/#surgeon"),
        "name": practice.surgeon_name,
        "description": practice.surgeon_title,
        "telephone": practice.phone,
        "url": absolute("/about/"),
        "worksFor": {"@id": clinic_id},
    }
    clinic = {
        "@type": "MedicalClinic",
        "@id": clinic_id,
        "name": practice.name,
        "url": absolute("/"),
        "telephone": practice.phone,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": practice.street_address,
            "addressLocality": practice.locality,
            "addressRegion": practice.region,
            "postalCode": practice.postal_code,
            "addressCountry": practice.country,
        },
        "medicalSpecialty": "Otolaryngologic",
        "employee": {"@id": physician["@id"]},
    }
    if practice.email:
        clinic["email"] = practice.email
    if practice.opening_hours_spec:
        clinic["openingHours"] = [part.strip() for part in practice.opening_hours_spec.split(",") if part.strip()]
    return [clinic, physician]


def _treatment_node(treatment):
    if treatment.kind == treatment.Kind.SURGICAL:
        return {"@type": "MedicalProcedure", "procedureType": "https://schema.org/SurgicalProcedure"}
    return {"@type": "MedicalTherapy"}


def _faq_node(page, url):
    return {
        "@type": "FAQPage",
        "@id": url + "#questions",
        "url": url,
        "mainEntity": [
            {
                "@type": "Question",
                "name": item.question,
                "acceptedAnswer": {"@type": "Answer", "text": item.answer_text},
            }
            for item in page.faq
        ],
    }


def medical_page(page, about, practice):
    url = absolute(page.get_absolute_url())
    about = {"name": page.title, "description": page.summary, "url": url, **about}
    if page.also_known_as:
        about["alternateName"] = page.also_known_as
    nodes = [
        {
            "@type": "MedicalWebPage",
            "@id": url,
            "url": url,
            "name": page.title,
            "description": page.summary,
            "lastReviewed": page.last_reviewed.isoformat(),
            "inLanguage": "en",
            "audience": {"@type": "Patient"},
            "about": about,
            "publisher": {"@id": absolute("/#practice")},
        },
        *practice_nodes(practice),
    ]
    if page.faq:
        nodes.append(_faq_node(page, url))
    return {"@context": "https://schema.org", "@graph": nodes}


def condition_page(condition, practice):
    treatments = [
        {**_treatment_node(t), "name": t.title, "url": absolute(t.get_absolute_url())} for t in condition.related_pages
    ]
    return medical_page(condition, {"@type": "MedicalCondition", "possibleTreatment": treatments}, practice)


def treatment_page(treatment, practice):
    return medical_page(treatment, _treatment_node(treatment), practice)


def site_page(practice, page_type="WebPage", path="/"):
    return {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": page_type,
                "@id": absolute(path),
                "url": absolute(path),
                "publisher": {"@id": absolute("/#practice")},
            },
            *practice_nodes(practice),
        ],
    }
