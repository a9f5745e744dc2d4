"""The Front desk group: works through consultation requests, cannot delete them or manage users.

Created after migrations run, because permissions only exist from then on.
"""

FRONT_DESK = "Front desk"
FRONT_DESK_PERMISSIONS = [
    ("consultations", "view_consultationrequest"),
    ("consultations", "change_consultationrequest"),
    ("consultations", "view_note"),
    ("consultations", "add_note"),
]


def create_front_desk_group(sender=None, using="default", apps=None, **kwargs):
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.using(using).get_or_create(name=FRONT_DESK)
    permissions = []
    for app_label, codename in FRONT_DESK_PERMISSIONS:
        permission = (
            Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename).first()
        )
        if permission is not None:
            permissions.append(permission)
    group.permissions.add(*permissions)
