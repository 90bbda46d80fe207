"""The web console (`oralblanc web`): a door over the core for trainers and jury members.

A Starlette (ASGI) app with Jinja2 templates, served by uvicorn; htmx (vendored in `static/`, with its
licence) for the editor's lint as one types; no JavaScript build step. Every page and action reads
the request, builds the signed-in person's `Principal` from the stored user, calls one use case of
`bot.core` (which checks the role) and renders its answer or its refusal.

- `app`      create_app: routes, middleware (signed session cookie, security headers), lifespan
- `auth`     sign-in by one-time link (GET shows a button, POST spends the link), sign-out, `page` /
             `action` wrappers (who is signed in, CSRF on every POST, refusals → 401/403/404/400)
- `csrf`     one token per session, in every form (and htmx's header)
- `outbox`   the core's notices sent through the Bot API (PTB `Bot`), or recorded as not delivered
- `texts`    the pages' words, French and English
- `render`   templates, what every page gets, refusal pages (401 sign-in, 403, 404, 400)
- `cohorts`, `review`, `scripts`: the trainers' and the jury's pages
"""
