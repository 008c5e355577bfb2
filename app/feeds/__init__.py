"""Feeds for partners and crawlers: RSS, Atom, JSON Feed, iCalendar and the sitemap."""
