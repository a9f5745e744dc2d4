"""schema.org nodes for treatments, used by their own pages and by the conditions that list them."""


def treatment_about(treatment):
    if treatment.kind == treatment.Kind.SURGICAL:
        return {"@type": "MedicalProcedure", "procedureType": "https://schema.org/SurgicalProcedure"}
    return {"@type": "MedicalTherapy"}
