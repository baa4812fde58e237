"""xR2's Python SDK: fetch published prompt templates, render and assign locally, report exposures
and business events in the background. Standard library only.

    from xr2 import XR2
    xr2 = XR2(api_key="xr2_...", base_url="https://edge.example.com")
    prompt = xr2.get_prompt("welcome-message", variables={"name": "Ada"}, unit_id="user-42")
    xr2.track(prompt.trace_id, "purchase", {"revenue": 9.99})
"""

__version__ = "0.1.0"

from .assignment import assign_variant, hash_unit, murmurhash3_x86_32  # noqa: E402
from .client import XR2, Prompt  # noqa: E402
from .errors import PromptNotFoundError, PromptUnavailableError, XR2Error  # noqa: E402
from .template import TemplateError, TemplateErrorDetail  # noqa: E402

__all__ = [
    "XR2",
    "Prompt",
    "XR2Error",
    "PromptNotFoundError",
    "PromptUnavailableError",
    "TemplateError",
    "TemplateErrorDetail",
    "assign_variant",
    "hash_unit",
    "murmurhash3_x86_32",
    "__version__",
]
