from app.errors import Conflict, NotFound


class OutboxItemNotFound(NotFound):
    def __init__(self, item_id: str) -> None:
        super().__init__(f"No outbox item {item_id!r} (ids look like email-12 or webhook-7).")


class RecipientUnsubscribed(Conflict):
    def __init__(self, item_id: str) -> None:
        super().__init__(f"{item_id} is for an address that has unsubscribed; it is not sent.")
