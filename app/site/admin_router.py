from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from app import urls
from app.auth.dependencies import CurrentUser
from app.db import SessionDep
from app.editorial.concurrency import PreconditionFailed, check_if_match
from app.editorial.responses import ETAG_HEADER, with_etag
from app.editorial.schemas import SLUG_PATTERN
from app.openapi import problem_responses
from app.site import admin_service as service
from app.site.schemas import MenuAdminRead, MenuWrite, SiteAdminRead, SiteUpdate, SiteWrite

router = APIRouter(prefix="/site", tags=["Admin: site"])

MenuSlug = Annotated[
    str, Path(max_length=100, pattern=SLUG_PATTERN, description='"main", "footer"...')
]


def _saved_responses(model: type) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"headers": ETAG_HEADER},
        201: {
            "model": model,
            "description": "Created",
            "headers": {**ETAG_HEADER, "Location": {"description": "Where to read it."}},
        },
    }


WRITE_ERRORS = problem_responses(401, 403, 412, 422, 428)


def check_precondition(request: Request, row: Any | None) -> None:
    """If-Match is required to change a row that exists; creating one needs none."""
    if row is not None:
        check_if_match(request, row)
    elif request.headers.get("if-match") is not None:
        raise PreconditionFailed("There is nothing to match yet; send no If-Match to create it.")


def _saved(response: Response, row: Any, *, created: bool, location: str) -> None:
    with_etag(response, row)
    if created:
        response.status_code = 201
        response.headers["Location"] = location


@router.get(
    "",
    response_model=SiteAdminRead,
    summary="Get the site settings",
    name="get_site_admin",
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(401, 403, 404)},
)
async def get_site(session: SessionDep, response: Response) -> SiteAdminRead:
    """The site row with its `ETag` for the next write (404 before it is set up)."""
    site = await service.get_site(session)
    with_etag(response, site)
    return SiteAdminRead.model_validate(site)


@router.put(
    "",
    response_model=SiteAdminRead,
    summary="Set up or replace the site settings",
    responses={**_saved_responses(SiteAdminRead), **WRITE_ERRORS},
)
async def put_site(
    body: SiteWrite, request: Request, response: Response, session: SessionDep, user: CurrentUser
) -> SiteAdminRead:
    """Create the site row (201), or replace every field of it: the fields left out become
    empty. Needs `If-Match` once the site exists."""
    site = await service.find_site(session)
    check_precondition(request, site)
    created = site is None
    site = await service.save_site(session, user=user, site=site, values=body.model_dump())
    _saved(response, site, created=created, location=urls.url_for(request, "get_site_admin"))
    return SiteAdminRead.model_validate(site)


@router.patch(
    "",
    response_model=SiteAdminRead,
    summary="Change the site settings",
    responses={**_saved_responses(SiteAdminRead), **WRITE_ERRORS},
)
async def patch_site(
    body: SiteUpdate, request: Request, response: Response, session: SessionDep, user: CurrentUser
) -> SiteAdminRead:
    """Change the fields sent. Needs `If-Match` once the site exists; before that it
    creates the site (201) and needs `name`."""
    site = await service.find_site(session)
    check_precondition(request, site)
    created = site is None
    values = body.model_dump(exclude_unset=True)
    site = await service.save_site(session, user=user, site=site, values=values)
    _saved(response, site, created=created, location=urls.url_for(request, "get_site_admin"))
    return SiteAdminRead.model_validate(site)


@router.get(
    "/menus/{slug}",
    response_model=MenuAdminRead,
    summary="Get a menu",
    name="get_menu_admin",
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(401, 403, 404, 422)},
)
async def get_menu(slug: MenuSlug, session: SessionDep, response: Response) -> MenuAdminRead:
    """A navigation menu as an ordered tree, with its `ETag` for the next write."""
    view = await service.menu_view(session, await service.get_menu(session, slug=slug))
    with_etag(response, view)
    return MenuAdminRead.model_validate(view)


@router.put(
    "/menus/{slug}",
    response_model=MenuAdminRead,
    summary="Create or replace a menu",
    # 404 is never answered; listed because every `{slug}` route documents it.
    responses={
        **_saved_responses(MenuAdminRead),
        **problem_responses(401, 403, 404, 409, 412, 422, 428),
    },
)
async def put_menu(
    slug: MenuSlug,
    body: MenuWrite,
    request: Request,
    response: Response,
    session: SessionDep,
    user: CurrentUser,
) -> MenuAdminRead:
    """Replace the whole menu tree at once, in the order sent (items nest at most 3
    levels), or create the menu (201). Needs `If-Match` once the menu exists."""
    menu = await service.find_menu(session, slug=slug)
    check_precondition(request, menu)
    created = menu is None
    view = await service.replace_menu(session, user=user, menu=menu, slug=slug, data=body)
    location = urls.url_for(request, "get_menu_admin", slug=slug)
    _saved(response, view, created=created, location=location)
    return MenuAdminRead.model_validate(view)


@router.delete(
    "/menus/{slug}",
    status_code=204,
    response_class=Response,
    summary="Delete a menu",
    responses=problem_responses(401, 403, 404, 412, 422, 428),
)
async def delete_menu(
    slug: MenuSlug, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """Delete a menu and its items. Needs `If-Match`."""
    menu = await service.get_menu(session, slug=slug)
    check_if_match(request, menu)
    await service.delete_menu(session, user=user, menu=menu)
    return Response(status_code=204)
