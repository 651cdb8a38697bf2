"""Staff for tests, created through the same service as `staff add`."""

from portal.services.permissions import add_staff


def make_staff(email: str, role: str, school_urn: str | None = None, trust: str | None = None,
               password: str = "correct horse battery staple", name: str = "Sam Staff"):
    # Tests pick passwords for what they test (a wrong one, a short one); the rule itself is tested on its own.
    staff, _ = add_staff(email, name, role, actor="test", school_urn=school_urn, trust_slug=trust,
                         password=password, check_password=False)
    return staff
