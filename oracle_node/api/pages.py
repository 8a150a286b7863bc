"""The API's pages: the operator dashboard and the OpenAPI docs, both served offline.

The dashboard (``/``) is static HTML, CSS and JavaScript shipped in ``oracle_node/api/dashboard``;
it reads the public JSON routes like any other client and sends the token the operator types
for actions. Swagger UI (``/docs``) loads its assets from the Swagger UI package
installed with the node (``swagger-ui-bundle-v2``), never from a CDN.
"""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

DASHBOARD = Path(__file__).resolve().parent / "dashboard"
SWAGGER_UI = Path(swagger_ui_bundle.swagger_ui_path)
SWAGGER_PREFIX = "/static/swagger-ui"


def add_pages(app: FastAPI) -> None:
    """Mount the dashboard at ``/`` and Swagger UI at ``/docs`` (kept out of the schema)."""
    app.mount("/assets", StaticFiles(directory=DASHBOARD / "assets"), name="dashboard-assets")
    app.mount(SWAGGER_PREFIX, StaticFiles(directory=SWAGGER_UI), name="swagger-ui")

    @app.get("/", include_in_schema=False)
    @app.get("/dashboard", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(DASHBOARD / "index.html", media_type="text/html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - docs",
            swagger_js_url=f"{SWAGGER_PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER_PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER_PREFIX}/favicon-32x32.png",
            oauth2_redirect_url="/docs/oauth2-redirect",
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
