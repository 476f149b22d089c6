from recommendations.models.advocacy import AskMatch, ProposedRecommendation
from recommendations.models.briefing import Briefing
from recommendations.models.corrections import CorrectionProposal
from recommendations.models.demo import DEMO_KEY_PREFIX, DemoData
from recommendations.models.followup import RepeatLink, SuggestionStatus
from recommendations.models.implementation import (
    Citation,
    EvidenceSource,
    ImplementationAssessment,
    Membership,
    ModerationQueue,
    Organisation,
    Publication,
    ReviewComment,
)
from recommendations.models.recommendation import (
    RESPONSE_LABELS,
    SEARCH_CONFIG,
    SEARCH_CONFIGS,
    STATUS_LABELS,
    ImplementationStatus,
    Position,
    Recommendation,
    Response,
    search_config,
)
from recommendations.models.review import Cycle, Review, Session, ordinal, session_label
from recommendations.models.sync import DeletedObject
from recommendations.models.taxonomy import SDG, AffectedGroup, Theme, ThemeScheme, sdg_label
from recommendations.models.tokens import APIToken
from recommendations.models.watches import DigestSent, Watch, Webhook, WebhookDelivery

__all__ = [
    "DigestSent",
    "Watch",
    "Webhook",
    "WebhookDelivery",
    "APIToken",
    "SuggestionStatus",
    "RepeatLink",
    "ProposedRecommendation",
    "Briefing",
    "DEMO_KEY_PREFIX",
    "DemoData",
    "AskMatch",
    "SDG",
    "SEARCH_CONFIG",
    "SEARCH_CONFIGS",
    "search_config",
    "AffectedGroup",
    "Citation",
    "CorrectionProposal",
    "Cycle",
    "DeletedObject",
    "EvidenceSource",
    "ImplementationAssessment",
    "ImplementationStatus",
    "Membership",
    "ModerationQueue",
    "Organisation",
    "Position",
    "Publication",
    "Recommendation",
    "Response",
    "ReviewComment",
    "RESPONSE_LABELS",
    "Review",
    "Session",
    "STATUS_LABELS",
    "sdg_label",
    "Theme",
    "ThemeScheme",
    "ordinal",
    "session_label",
]
