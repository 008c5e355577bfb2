"""The emails the newsletter sends, as outbox rows."""

from html import escape
from urllib.parse import urlencode

from app.config import Settings
from app.newsletter import tokens
from app.newsletter.models import EmailMessage, NewsletterSubscription

ONE_CLICK_PATH = "/api/v1/newsletter/unsubscribe/one-click"


def frontend_link(settings: Settings, path: str, token: str) -> str:
    return f"{str(settings.site_url).rstrip('/')}{path}?{urlencode({'token': token})}"


def unsubscribe_url(settings: Settings, subscription: NewsletterSubscription) -> str:
    """The RFC 8058 one-click URL: a POST to it unsubscribes, no page in between."""
    token = tokens.issue(settings, subscription, purpose=tokens.UNSUBSCRIBE)
    return f"{settings.api_url}{ONE_CLICK_PATH}?{urlencode({'token': token})}"


def list_headers(settings: Settings, subscription: NewsletterSubscription) -> dict[str, str]:
    """What every email carries so that mail clients offer one-click unsubscribe."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(settings, subscription)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def confirmation(settings: Settings, subscription: NewsletterSubscription) -> EmailMessage:
    """The double opt-in email: one link to confirm, one to change interests."""
    confirm = frontend_link(
        settings,
        settings.newsletter_confirm_path,
        tokens.issue(settings, subscription, purpose=tokens.CONFIRM),
    )
    preferences = frontend_link(
        settings,
        settings.newsletter_preferences_path,
        tokens.issue(settings, subscription, purpose=tokens.PREFERENCES),
    )
    site = settings.site_name
    text = (
        f"Please confirm that you want to receive the {site} newsletter:\n\n{confirm}\n\n"
        f"The link works for {settings.newsletter_confirm_hours} hours. If you did not sign "
        "up, ignore this email and nothing will be sent to you.\n\n"
        f"Choose your interests: {preferences}\n"
    )
    html = (
        f"<p>Please confirm that you want to receive the {escape(site)} newsletter:</p>"
        f'<p><a href="{escape(confirm)}">Confirm my subscription</a></p>'
        "<p>If you did not sign up, ignore this email and nothing will be sent to you.</p>"
        f'<p><a href="{escape(preferences)}">Choose your interests</a></p>'
    )
    return EmailMessage(
        subscription_id=subscription.id,
        purpose="confirm",
        to_address=subscription.email,
        subject=f"Confirm your {site} newsletter subscription",
        text_body=text,
        html_body=html,
        headers=list_headers(settings, subscription),
    )
