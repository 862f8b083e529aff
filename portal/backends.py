"""The password backend: Django's, loading the signed-in user with their region. Every staff page
scopes by the region (portal.scoping), so it came as a query of its own on each of them (issue 20)."""

from django.contrib.auth.backends import ModelBackend


class RegionModelBackend(ModelBackend):
    def get_user(self, user_id):
        from portal.models import User

        user = User._default_manager.select_related("region").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
