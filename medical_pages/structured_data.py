"""schema.org JSON-LD for medical pages: the page, what it is about, who reviewed it, its questions."""

from practice.structured_data import absolute, practice_nodes


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


def reviewer_node(member):
    node = {"@type": "Person", "name": member.name, "jobTitle": member.role}
    if member.credentials:
        node["honorificSuffix"] = member.credentials
    return node


def medical_page(page, about, practice):
    url = absolute(page.get_absolute_url())
    about = {"name": page.title, "description": page.summary, "url": url, **about}
    if page.also_known_as:
        about["alternateName"] = page.also_known_as
    webpage = {
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
    }
    if page.reviewed_by:
        webpage["reviewedBy"] = reviewer_node(page.reviewed_by)
    if page.illustration and page.illustration.fallback:
        webpage["primaryImageOfPage"] = absolute(page.illustration.fallback_url)
    nodes = [webpage, *practice_nodes(practice)]
    if page.faq:
        nodes.append(_faq_node(page, url))
    return {"@context": "https://schema.org", "@graph": nodes}
