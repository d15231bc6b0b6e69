"""Core tables (SQLModel); importing this package registers them all on the metadata."""

from auzap_console.models.ai import AgentConfig, AIInteraction, CustomerMemory, KnowledgeArticle, UsageDaily
from auzap_console.models.catalog import Appointment, AppointmentReminder, HealthFinding, Service, StaffMember
from auzap_console.models.crm import Customer, Followup, Pet, Segment
from auzap_console.models.marketing import Campaign, CampaignRecipient, Insight
from auzap_console.models.messaging import Channel, Conversation, InboundEvent, Message, Queue, QuickReply
from auzap_console.models.tenancy import (
    ROLE_RANK,
    ROLES,
    AuditLog,
    AuthorizedOwnerNumber,
    AuthSession,
    LoginAttempt,
    Tenant,
    User,
)

__all__ = [
    "ROLES",
    "ROLE_RANK",
    "AIInteraction",
    "AgentConfig",
    "Appointment",
    "AppointmentReminder",
    "AuditLog",
    "AuthSession",
    "AuthorizedOwnerNumber",
    "Campaign",
    "CampaignRecipient",
    "Channel",
    "Conversation",
    "Customer",
    "CustomerMemory",
    "Followup",
    "HealthFinding",
    "InboundEvent",
    "Insight",
    "KnowledgeArticle",
    "LoginAttempt",
    "Message",
    "Pet",
    "Queue",
    "QuickReply",
    "Segment",
    "Service",
    "StaffMember",
    "Tenant",
    "UsageDaily",
    "User",
]
