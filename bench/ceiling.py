"""The ceiling: a bare Starlette app answering recorded response bytes, path for path.

CEILING_RESPONSES=bench/results/responses.json uvicorn bench.ceiling:app --port 8102
"""

import base64
import json
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

with open(os.environ["CEILING_RESPONSES"]) as handle:
    RECORDED = {
        key: (value["status"], base64.b64decode(value["body"]), value["headers"])
        for key, value in json.load(handle).items()
    }


async def answer(request: Request) -> Response:
    key = request.url.path + ("?" + request.url.query if request.url.query else "")
    status, body, headers = RECORDED[key]
    return Response(body, status_code=status, headers=headers)


app = Starlette(routes=[Route("/{path:path}", answer)])
