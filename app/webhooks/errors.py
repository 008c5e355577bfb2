from app.errors import InvalidParameter, NotFound


class WebhookNotFound(NotFound):
    def __init__(self, endpoint_id: int) -> None:
        super().__init__(f"No webhook endpoint with id {endpoint_id}.")


class DeliveryNotFound(NotFound):
    def __init__(self, delivery_id: int) -> None:
        super().__init__(f"No delivery with id {delivery_id} for this endpoint.")


class UnsafeWebhookUrl(InvalidParameter):
    """A target the server must not call: it resolves to a private or local address."""

    def __init__(self, message: str) -> None:
        super().__init__("url", message, location="body")
