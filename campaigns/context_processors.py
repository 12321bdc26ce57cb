"""Navigation for every page: the locations the signed-in user can switch to."""

from campaigns.tenancy import locations_for


def navigation(request):
    if not request.user.is_authenticated:
        return {}
    return {"user_locations": locations_for(request.user).only("name", "slug")}
