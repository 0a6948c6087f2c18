import pytest

from civichub.fields import slugify


@pytest.mark.parametrize("name, slug", [
    ("Loïc Blondiaux", "loic-blondiaux"),
    ("Léonore de Roquefeuil", "leonore-de-roquefeuil"),
    ("Make.org", "make-org"),
    ("Et si la Civic Tech était vouée à l’échec ?", "et-si-la-civic-tech-etait-vouee-a-l-echec"),
    ("Amina Mathilde N'Diaye", "amina-mathilde-n-diaye"),
    ("Cœur de ville", "coeur-de-ville"),
    ("  ", ""),
])
def test_slugify(name, slug):
    assert slugify(name) == slug
