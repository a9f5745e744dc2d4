"""The roles that work consultation requests, as groups: created after migrations run, because
permissions only exist from then on. The README lists what each role can do.

Front desk works through requests but cannot delete them (nor, by closing or marking spam, have them
deleted sooner: retention counts from the last staff change) and cannot manage users. Managers also
export and delete.

Bookings: Front desk sees the agenda, moves a visit, cancels it for the practice and marks it
confirmed, arrived or did not come (view and change bookings), and reads the visit types and hours
to answer a patient on the phone. What patients are offered (visit types, weekly hours, time off
and extra sessions) is the Manager's: a change there changes every patient's choice of times. No
role deletes a booking (cancel it: the time is freed and the patient told); a booking is added by
a patient on the form.
"""

FRONT_DESK = "Front desk"
FRONT_DESK_PERMISSIONS = [
    ("consultations", "view_consultationrequest"),
    ("consultations", "change_consultationrequest"),
    ("consultations", "view_note"),
    ("consultations", "add_note"),
    ("booking", "view_booking"),
    ("booking", "change_booking"),
    ("booking", "view_visittype"),
    ("booking", "view_weeklyhours"),
    ("booking", "view_hourschange"),
    ("consultations", "view_waitlistentry"),
]
AVAILABILITY_MODELS = ("visittype", "weeklyhours", "hourschange")
MANAGER = "Manager"
MANAGER_PERMISSIONS = [
    *FRONT_DESK_PERMISSIONS,
    ("consultations", "delete_consultationrequest"),
    ("consultations", "delete_note"),
    ("consultations", "export_consultationrequest"),
    *(("booking", f"{verb}_{model}") for model in AVAILABILITY_MODELS for verb in ("add", "change", "delete")),
]


def is_manager(user):
    return user.has_perm("consultations.delete_consultationrequest")


def _create_group(name, wanted, using):
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.using(using).get_or_create(name=name)
    permissions = []
    for app_label, codename in wanted:
        permission = (
            Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename).first()
        )
        if permission is not None:
            permissions.append(permission)
    group.permissions.add(*permissions)


def create_front_desk_group(sender=None, using="default", apps=None, **kwargs):
    _create_group(FRONT_DESK, FRONT_DESK_PERMISSIONS, using)
    _create_group(MANAGER, MANAGER_PERMISSIONS, using)
