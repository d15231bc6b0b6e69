"""Domain logic, one module per area; no Reflex here.

Functions are keyword-only, take a session and an `Actor` (the tenant and who acts),
scope every query by `actor.tenant_id`, and check the actor's role themselves.
"""
