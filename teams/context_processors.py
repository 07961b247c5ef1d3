from teams.selectors import viewer_person


def viewer(request):
    """The signed-in person (or None), for navigation that depends on the role."""
    return {"viewer": viewer_person(getattr(request, "user", None))}
