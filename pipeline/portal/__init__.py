"""The portal's own model: users and roles, habilitations per user × company (SIREN) × domain, portfolios of
tiers déclarants, activation and bearer tokens, the login throttle, the audit log and the e-mail interface.

Every function takes a SQLAlchemy connection (inside the caller's transaction) and raises a
:class:`pipeline.portal.errors.PortalError` (HTTP status, code, French message) when the request cannot be served.
"""
