import pytest
from httpx import AsyncClient


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/articles?topic=%00",
        "/api/v1/articles/a%00b",
        "/api/v1/experts?program=x%00y",
        "/api/v1/search?q=%00",
    ],
)
async def test_nul_bytes_in_the_url_are_a_400_problem(client: AsyncClient, url: str):
    response = await client.get(url)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "The URL contains a NUL character."
