"""Imports every model so that the mappers and `Base.metadata` are complete."""

from app.articles.models import Article, ArticleAuthor, ArticleFeaturedExpert, ArticleTopic
from app.auth.models import LoginFailure, RefreshToken, User
from app.changes.models import Change
from app.db import Base
from app.editorial.models import AuditEntry, IdempotencyRecord, Revision, SlugRedirect
from app.events.models import Event, EventSpeaker
from app.experts.models import Expert
from app.newsletter.models import NewsletterSubscription
from app.pages.models import Page
from app.programs.models import Program
from app.site.models import Menu, MenuItem, Site
from app.topics.models import Topic
from app.webhooks.models import WebhookAttempt, WebhookCursor, WebhookDelivery, WebhookEndpoint

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleFeaturedExpert",
    "ArticleTopic",
    "AuditEntry",
    "Base",
    "Change",
    "Event",
    "EventSpeaker",
    "Expert",
    "IdempotencyRecord",
    "LoginFailure",
    "Menu",
    "MenuItem",
    "NewsletterSubscription",
    "Page",
    "Program",
    "RefreshToken",
    "Revision",
    "Site",
    "SlugRedirect",
    "Topic",
    "User",
    "WebhookAttempt",
    "WebhookCursor",
    "WebhookDelivery",
    "WebhookEndpoint",
]
