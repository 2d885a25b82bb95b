"""The server starts on validated data and answers over real HTTP."""

import httpx


def test_health(http: httpx.Client) -> None:
    body = http.get("/health").json()
    assert body["status"] == "ok"
    assert body["triples"] > 5000
