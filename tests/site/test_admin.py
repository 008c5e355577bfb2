"""The admin site API: site settings and navigation menus, with If-Match, for editors."""

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.editorial.models import AuditEntry
from app.site.models import Menu, MenuItem
from tests.factories import make_site, make_user

SITE = "/api/v1/admin/site"
MENUS = f"{SITE}/menus"
MAIN_MENU = {
    "name": "Main",
    "items": [
        {
            "label": "Policy Topics",
            "children": [
                {"label": "Ukraine-Russia", "url": "/topics/ukraine-russia"},
                {
                    "label": "Asia",
                    "url": "/topics/asia",
                    "children": [{"label": "China", "url": "/topics/china"}],
                },
            ],
        },
        {"label": "Experts", "url": "/experts"},
        {"label": "Donate", "url": "https://give.example.org/"},
    ],
}


@pytest.fixture
async def editor(session: AsyncSession, sign_in) -> dict[str, str]:
    return sign_in(await make_user(session, role="editor"))


async def _public(client: AsyncClient) -> dict:
    response = await client.get("/api/v1/site")
    assert response.status_code == 200
    return response.json()


async def test_get_is_404_before_the_site_is_set_up(client: AsyncClient, editor):
    response = await client.get(SITE, headers=editor)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_put_sets_up_the_site_and_the_public_sees_it(client: AsyncClient, editor):
    response = await client.put(
        SITE,
        json={
            "name": "Defense Priorities",
            "tagline": "Realism and restraint",
            "newsletter": {"heading": "Receive expert analysis", "button_label": "Subscribe"},
        },
        headers=editor,
    )

    assert response.status_code == 201
    assert response.headers["location"].endswith(SITE)
    site = response.json()
    assert response.headers["etag"] == f'"{site["id"]}-{site["version"]}"'
    fetched = await client.get(SITE, headers=editor)
    assert fetched.json() == site
    assert fetched.headers["etag"] == response.headers["etag"]
    public = await _public(client)
    assert public["name"] == "Defense Priorities"
    assert public["tagline"] == "Realism and restraint"
    assert public["newsletter"] == {
        "heading": "Receive expert analysis",
        "subheading": None,
        "body": None,
        "button_label": "Subscribe",
    }


async def test_patch_needs_if_match_once_the_site_exists(
    client: AsyncClient, session: AsyncSession, editor
):
    await make_site(session, name="Old name")

    missing = await client.patch(SITE, json={"name": "New"}, headers=editor)
    stale = await client.patch(SITE, json={"name": "New"}, headers={**editor, "If-Match": '"1-0"'})

    assert missing.status_code == 428
    assert stale.status_code == 412
    assert missing.headers["content-type"] == stale.headers["content-type"]
    assert (await _public(client))["name"] == "Old name"


async def test_patch_with_the_etag_changes_only_the_fields_sent(
    client: AsyncClient, session: AsyncSession, editor
):
    await make_site(session, name="Defense Priorities", mission="Old mission", copyright="© 2024")
    read = await client.get(SITE, headers=editor)

    response = await client.patch(
        SITE,
        json={"mission": "New mission", "logo_url": "https://cdn.example.org/logo.svg"},
        headers={**editor, "If-Match": read.headers["etag"]},
    )

    assert response.status_code == 200
    assert response.json()["version"] == read.json()["version"] + 1
    assert response.headers["etag"] != read.headers["etag"]
    public = await _public(client)
    assert (public["name"], public["mission"], public["copyright"]) == (
        "Defense Priorities",
        "New mission",
        "© 2024",
    )
    assert public["logo_url"] == "https://cdn.example.org/logo.svg"
    again = await client.patch(
        SITE, json={"mission": "x"}, headers={**editor, "If-Match": read.headers["etag"]}
    )
    assert again.status_code == 412


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": None}, "name"),
        ({"logo_url": "javascript:alert(1)"}, "logo_url"),
        ({"newsletter": {"colour": "red"}}, "newsletter.colour"),
        ({"motto": "x"}, "motto"),
    ],
)
async def test_bad_site_fields_are_422_naming_them(
    client: AsyncClient, session: AsyncSession, editor, body: dict, field: str
):
    await make_site(session)
    etag = (await client.get(SITE, headers=editor)).headers["etag"]

    response = await client.patch(SITE, json=body, headers={**editor, "If-Match": etag})

    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_patch_creating_the_site_needs_a_name(client: AsyncClient, editor):
    response = await client.patch(SITE, json={"tagline": "No name"}, headers=editor)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    assert (await client.get(SITE, headers=editor)).status_code == 404


async def test_menu_replace_shows_up_in_the_public_site_in_order(
    client: AsyncClient, session: AsyncSession, editor
):
    await make_site(session, menus={"main": [("Old item", "/old", [("Old child", "/c")])]})
    etag = (await client.get(f"{MENUS}/main", headers=editor)).headers["etag"]

    response = await client.put(
        f"{MENUS}/main", json=MAIN_MENU, headers={**editor, "If-Match": etag}
    )

    assert response.status_code == 200
    assert response.headers["etag"] != etag
    menus = (await _public(client))["menus"]
    assert menus["main"] == [
        {
            "label": "Policy Topics",
            "url": None,
            "children": [
                {"label": "Ukraine-Russia", "url": "/topics/ukraine-russia", "children": []},
                {
                    "label": "Asia",
                    "url": "/topics/asia",
                    "children": [{"label": "China", "url": "/topics/china", "children": []}],
                },
            ],
        },
        {"label": "Experts", "url": "/experts", "children": []},
        {"label": "Donate", "url": "https://give.example.org/", "children": []},
    ]
    assert response.json()["items"] == menus["main"]
    assert await session.scalar(select(func.count()).select_from(MenuItem)) == 6


async def test_three_levels_are_allowed(client: AsyncClient, editor):
    response = await client.put(
        f"{MENUS}/main", json={"name": "Main", "items": [_nested(3)]}, headers=editor
    )

    assert response.status_code == 201
    assert response.json()["items"][0]["children"][0]["children"][0]["label"] == "Level 3"


async def test_a_new_menu_is_created_without_if_match_and_goes_last(
    client: AsyncClient, session: AsyncSession, editor
):
    await make_site(session, menus={"main": [("Experts", "/experts", [])]})

    response = await client.put(
        f"{MENUS}/footer",
        json={"name": "Footer", "items": [{"label": "About", "url": "/about"}]},
        headers=editor,
    )

    assert response.status_code == 201
    assert response.headers["location"].endswith(f"{MENUS}/footer")
    assert response.json()["slug"] == "footer"
    menus = (await _public(client))["menus"]
    assert list(menus) == ["main", "footer"]
    assert menus["footer"] == [{"label": "About", "url": "/about", "children": []}]
    fetched = await client.get(response.headers["location"], headers=editor)
    assert fetched.headers["etag"] == response.headers["etag"]


async def test_menu_replace_needs_if_match_once_the_menu_exists(
    client: AsyncClient, session: AsyncSession, editor
):
    await make_site(session, menus={"main": [("Experts", "/experts", [])]})
    etag = (await client.get(f"{MENUS}/main", headers=editor)).headers["etag"]
    first = await client.put(f"{MENUS}/main", json=MAIN_MENU, headers={**editor, "If-Match": etag})
    assert first.status_code == 200

    missing = await client.put(f"{MENUS}/main", json=MAIN_MENU, headers=editor)
    stale = await client.put(f"{MENUS}/main", json=MAIN_MENU, headers={**editor, "If-Match": etag})

    assert missing.status_code == 428
    assert stale.status_code == 412
    assert stale.json()["current_etag"] == first.headers["etag"]


def _nested(levels: int) -> dict:
    """An item with `levels` levels of single children under it (itself included)."""
    item: dict = {"label": f"Level {levels}"}
    for level in range(levels - 1, 0, -1):
        item = {"label": f"Level {level}", "children": [item]}
    return item


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([_nested(4)], "items.0.children.0.children.0.children"),
        ([{"label": "Fine"}, {"url": "/no-label"}], "items.1.label"),
        ([{"label": "  "}], "items.0.label"),
        ([{"label": "Bad", "url": "javascript:alert(1)"}], "items.0.url"),
        ([{"label": "Bad", "url": "//evil.example.org"}], "items.0.url"),
    ],
)
async def test_a_bad_menu_is_422_naming_the_item_and_changes_nothing(
    client: AsyncClient, session: AsyncSession, editor, items: list, field: str
):
    await make_site(session, menus={"main": [("Experts", "/experts", [])]})
    etag = (await client.get(f"{MENUS}/main", headers=editor)).headers["etag"]

    response = await client.put(
        f"{MENUS}/main", json={"name": "Main", "items": items}, headers={**editor, "If-Match": etag}
    )

    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    main = (await _public(client))["menus"]["main"]
    assert main == [{"label": "Experts", "url": "/experts", "children": []}]


async def test_delete_menu_needs_if_match_and_removes_it(
    client: AsyncClient, session: AsyncSession, editor
):
    await make_site(session, menus={"main": [("Topics", None, [("China", "/topics/china")])]})
    url = f"{MENUS}/main"
    etag = (await client.get(url, headers=editor)).headers["etag"]

    assert (await client.delete(url, headers=editor)).status_code == 428
    assert (await client.delete(url, headers={**editor, "If-Match": '"1-0"'})).status_code == 412
    assert (await client.delete(url, headers={**editor, "If-Match": etag})).status_code == 204

    assert (await client.get(url, headers=editor)).status_code == 404
    assert (await _public(client))["menus"] == {}
    assert await session.scalar(select(func.count()).select_from(MenuItem)) == 0
    assert await session.scalar(select(func.count()).select_from(Menu)) == 0


async def test_site_and_menu_writes_are_audited(client: AsyncClient, session: AsyncSession, editor):
    await client.put(SITE, json={"name": "Example"}, headers=editor)
    created = await client.put(f"{MENUS}/main", json=MAIN_MENU, headers=editor)
    await client.delete(f"{MENUS}/main", headers={**editor, "If-Match": created.headers["etag"]})

    entries = await session.execute(
        select(AuditEntry.resource, AuditEntry.action, AuditEntry.detail).order_by(AuditEntry.id)
    )
    every_field = ["copyright", "logo_url", "mission", "name", "newsletter", "tagline"]
    assert [tuple(e) for e in entries] == [
        ("site", "create", {"fields": every_field}),
        ("menu", "create", {"slug": "main", "items": 6}),
        ("menu", "delete", {"slug": "main"}),
    ]


def _routes() -> list[tuple[str, str, dict | None]]:
    return [
        ("GET", SITE, None),
        ("PUT", SITE, {"name": "Mine"}),
        ("PATCH", SITE, {"name": "Mine"}),
        ("GET", f"{MENUS}/main", None),
        ("PUT", f"{MENUS}/main", MAIN_MENU),
        ("DELETE", f"{MENUS}/main", None),
    ]


async def test_authors_get_403_on_every_site_route(
    client: AsyncClient, session: AsyncSession, sign_in
):
    await make_site(session, name="Untouched", menus={"main": [("Experts", "/experts", [])]})
    author = {**sign_in(await make_user(session, role="author")), "If-Match": "*"}

    answers = {
        f"{method} {url}": (await client.request(method, url, json=body, headers=author))
        for method, url, body in _routes()
    }

    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 403)
    assert (await _public(client))["name"] == "Untouched"


async def test_anonymous_gets_401_on_every_site_route(client: AsyncClient):
    answers = {
        f"{method} {url}": (await client.request(method, url, json=body)).status_code
        for method, url, body in _routes()
    }

    assert answers == dict.fromkeys(answers, 401)


async def test_admins_may_edit_the_site_too(client: AsyncClient, session: AsyncSession, sign_in):
    admin = sign_in(await make_user(session, role="admin"))

    response = await client.put(SITE, json={"name": "By an admin"}, headers=admin)

    assert response.status_code == 201
