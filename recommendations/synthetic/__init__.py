"""Synthetic recommendations for benchmarks and load tests: `manage.py generate_synthetic`."""

from recommendations.synthetic.generate import MARKER_SLUG, RealDataError, generate, holds_real_data
from recommendations.synthetic.profile import Profile, builtin, learn, load_profile, sample_files

__all__ = [
    "MARKER_SLUG",
    "Profile",
    "RealDataError",
    "builtin",
    "generate",
    "holds_real_data",
    "learn",
    "load_profile",
    "sample_files",
]
