"""schema.org JSON-LD for the public pages, built as plain dicts and rendered by {% json_ld %}."""

from practice.site_url import absolute_url as absolute


def practice_nodes(practice):
    clinic_id = absolute("/#practice")
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
    }
    if practice.email:
        clinic["email"] = practice.email
    if practice.opening_hours_spec:
        clinic["openingHours"] = [part.strip() for part in practice.opening_hours_spec.split(",") if part.strip()]
    return [clinic]


def team_nodes(team):
    """The people on the About page; clinicians who review pages are Physicians."""
    nodes = []
    for member in team:
        node = {
            "@type": "Physician" if member.can_review else "Person",
            "@id": absolute(f"/about/#team-{member.pk}"),
            "name": member.name,
            "description": member.role,
            "url": absolute("/about/"),
            "worksFor": {"@id": absolute("/#practice")},
        }
        if member.portrait and member.portrait.fallback:
            node["image"] = absolute(member.portrait.fallback_url)
        nodes.append(node)
    return nodes


def site_page(practice, page_type="WebPage", path="/", extra_nodes=()):
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
            *extra_nodes,
        ],
    }
