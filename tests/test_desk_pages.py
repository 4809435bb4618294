"""What the desk shows: readable values, the right landing pages, the language switch."""


def test_the_libraries_open_on_the_institution_list(client, world):
    client.force_login(world.head_x)
    response = client.get("/libraries/", follow=True)
    assert response.redirect_chain[-1][0].endswith("institutions/") and response.status_code == 200
    client.force_login(world.operator_p)
    assert client.get("/libraries/", follow=True).status_code == 200


def test_booleans_read_as_words_on_a_detail_page(client, world):
    client.force_login(world.head_x)
    page = client.get(f"/libraries/institutions/{world.inst_p.pk}/detail/").content.decode()
    assert ">False<" not in page and ">True<" not in page
    assert "否" in page


def test_the_region_list_shows_each_parent_region_by_name(client, world):
    client.force_login(world.admin)
    page = client.get("/administration/regions/").content.decode()
    assert "viewflow.urls" not in page and "示范市" in page


def test_the_audit_log_names_record_types_and_fields_in_words(client, world):
    world.inst_p.beds = 61
    world.inst_p.save()
    client.force_login(world.admin)
    page = client.get("/administration/audit/").content.decode()
    assert "床位数" in page and ">beds<" not in page


def test_each_language_is_named_in_itself(client):
    page = client.get("/accounts/login/").content.decode()
    assert "English" in page and "简体中文" in page and "英语" not in page
