"""The SDK's exceptions. Only two reach an app in normal operation: PromptNotFoundError (the slug
exists nowhere: not on xR2, not cached, not bootstrapped, no fallback) and TemplateError (the
values were refused, as the edge would refuse them with 400). Outages, timeouts, 5xx, 429 and
revoked keys are answered from the cache, the bootstrap or a fallback instead of raising."""

from __future__ import annotations

from .template import TemplateError

__all__ = ["XR2Error", "PromptNotFoundError", "PromptUnavailableError", "TemplateError"]


class XR2Error(Exception):
    """Base class of the SDK's own errors (TemplateError is a ValueError, see xr2.template)."""


class PromptNotFoundError(XR2Error, LookupError):
    """No version of the slug is published to the environment, and nothing else can answer."""

    def __init__(self, slug: str, environment: str) -> None:
        self.slug = slug
        self.environment = environment
        super().__init__(f"No version of '{slug}' is published to {environment}, and no cached copy, bootstrap or fallback exists for it")


class PromptUnavailableError(XR2Error):
    """xR2 could not be reached (or refused the key) and the slug has no cached copy, bootstrap or
    fallback. Configure `fallbacks` (or `bootstrap`) to never see this."""

    def __init__(self, slug: str, reason: str) -> None:
        self.slug = slug
        self.reason = reason
        super().__init__(f"Prompt '{slug}' is unavailable: {reason}; configure a fallback or bootstrap for it")
