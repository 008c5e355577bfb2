from fastapi import APIRouter

from app.config import SettingsDep
from app.db import SessionDep
from app.site import service
from app.site.schemas import SiteRead

router = APIRouter(prefix="/site", tags=["Site"])


@router.get("", response_model=SiteRead, summary="Get the site")
async def get_site(session: SessionDep, settings: SettingsDep) -> SiteRead:
    """The site's name, mission text, navigation menus as ordered trees, newsletter box,
    copyright, time zone, and the display labels of every article kind and event format.
    Answers with the configured name and no menus before the site is set up."""
    site = await service.get_site(session, settings=settings)
    return SiteRead.model_validate(site)
