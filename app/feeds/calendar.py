"""Public events as an iCalendar document (RFC 5545), through the `icalendar` package."""

from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar
from icalendar import Event as VEvent

from app.config import Settings
from app.events.models import Event
from app.feeds import links
from app.feeds.text import xml_safe

MEDIA_TYPE = "text/calendar; charset=utf-8"


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _vevent(settings: Settings, event: Event) -> VEvent:
    zone = _zone(event.timezone)
    out = VEvent()
    out.add("uid", links.event_uid(settings, event))
    # Stamped with the row's own change time, so an unchanged calendar keeps its ETag.
    out.add("dtstamp", event.updated_at.astimezone(UTC))
    out.add("dtstart", event.starts_at.astimezone(zone))
    if event.ends_at is not None:
        out.add("dtend", event.ends_at.astimezone(zone))
    out.add("summary", xml_safe(event.title))
    if event.summary:
        out.add("description", xml_safe(event.summary))
    if event.location:
        out.add("location", xml_safe(event.location))
    out.add(
        "url", event.registration_url or event.recording_url or links.event_url(settings, event)
    )
    out.add("sequence", event.version)
    out.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    out.add("created", event.created_at.astimezone(UTC))
    out.add("last-modified", event.updated_at.astimezone(UTC))
    topics = [xml_safe(link.topic.name) for link in event.topic_links]
    if topics:
        out.add("categories", topics)
    return out


def calendar(settings: Settings, *, name: str, events: list[Event]) -> bytes:
    """A VCALENDAR with one VEVENT per event and a VTIMEZONE for each zone they use."""
    cal = Calendar()
    cal.add("prodid", f"-//{settings.site_name}//Pressroom events//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", xml_safe(name))
    for event in events:
        cal.add_component(_vevent(settings, event))
    cal.add_missing_timezones()
    return cal.to_ical()
