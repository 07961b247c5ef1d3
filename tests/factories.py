import factory

from teams.models import Organization, Person, Role, Team, User


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    parent = None


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organization = factory.LazyAttribute(lambda o: o.team.organization)
    team = factory.SubFactory(TeamFactory)
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Sequence(lambda n: f"Person {n}")
    title = "Engineer"
    role = Role.EMPLOYEE


PASSWORD = "correct-horse-battery-staple"


def login_for(person: Person) -> User:
    """A login linked to the person, with the shared test password."""
    user = User.objects.create_user(person.email, PASSWORD)
    person.user = user
    person.save(update_fields=["user"])
    return user
