"""The region tree: materialised paths for subtree queries, and level rules."""

import pytest
from django.core.exceptions import ValidationError

from supervision.core.models import Region, RegionLevel
from supervision.staff.models import Official


def test_a_subtree_is_the_region_and_everything_below(world):
    names = set(Region.objects.within(world.district_x).values_list("name", flat=True))
    assert names == {"东湖区", "湖滨街道", "柳岸街道"}


def test_moving_a_region_re_roots_its_subtree(world):
    world.street_x1.parent = world.district_y
    world.street_x1.save()
    assert Region.objects.within(world.district_y).filter(pk=world.street_x1.pk).exists()
    assert world.inst_p.region.pk == world.street_x1.pk


def test_renumbering_a_district_updates_its_streets(world):
    world.district_x.code = "990109"
    world.district_x.save()
    street = Region.objects.get(pk=world.street_x1.pk)
    assert street.path == "/990000/990100/990109/990101001/"


def test_a_street_cannot_sit_directly_under_a_city(world):
    street = Region(code="990100999", name="错层街道", level=RegionLevel.STREET, parent=world.city)
    with pytest.raises(ValidationError):
        street.full_clean()


def test_full_name_reads_from_province_down(world):
    assert world.street_x1.full_name == "示范省示范市东湖区湖滨街道"


def test_an_officials_duty_region_must_be_inside_the_department_jurisdiction(world):
    official = Official(user=world.inspector_y, name="x", department=world.civil_x, region=world.street_y1)
    with pytest.raises(ValidationError) as error:
        official.full_clean(exclude=["user"])
    assert "region" in error.value.message_dict
