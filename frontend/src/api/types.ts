/**
 * The server's shapes (ARCHITECTURE.md §6), named for the dashboard. Every one is
 * an alias of a type generated from the server's own contracts by `make types`:
 * `generated/openapi.ts` (the REST API's OpenAPI document) and
 * `generated/realtime.ts` (the Socket.IO contract, app/realtime/contract.py).
 * Change the server's schemas, not these.
 */
import type { components } from "./generated/openapi";
import type { RealtimeContract } from "./generated/realtime";

type Schema = components["schemas"];

/** Every id the API hands out is an integer. */
export type Id = number;

export type Role = Schema["Role"];
export type ConversationStatus = Schema["ConversationRowOut"]["status"];
export type SenderType = Schema["MessageOut"]["sender_type"];
export type PresenceStatus = Schema["AgentPresenceOut"]["status"];
export type Priority = Schema["ConversationRowOut"]["priority"];

/** The signed-in user: `user` of the token answers, completed by `GET /me`. */
export type User = Schema["UserOut"] & Partial<Schema["MeOut"]>;
export type Me = Schema["MeOut"];
export type Tokens = Schema["TokensOut"];
export type MfaChallenge = Schema["MfaRequiredOut"];
export type LoginAnswer = Schema["LoginOut"];
export type TwoFactorSetup = Schema["TwoFactorSetupOut"];
export type RecoveryCodes = Schema["RecoveryCodesOut"];
export type OidcProvider = Schema["ProviderOut"];
export type Identity = Schema["IdentityOut"];

export type WidgetConfig = Schema["WidgetSettings"];
/** A project as its members see it; managers also get the secrets in the answers of create and update. */
export type Project = Schema["ProjectOut"] &
  Partial<Pick<Schema["ProjectSecretsOut"], "identity_secret" | "audit_retention_days">>;
export type ProjectPatch = Schema["ProjectUpdate"];
export type Member = Schema["MemberOut"];
/** `POST /invitations/{token}/accept`: the project joined. */
export type InvitationAccepted = Schema["AcceptedOut"];
export type Invitation = Schema["InvitationOut"] & Partial<Pick<Schema["InvitationCreatedOut"], "accept_url">>;
/** An API key; `key` is only in the answer that created it. */
export type ApiKey = Schema["ApiKeyOut"] & Partial<Pick<Schema["ApiKeyCreatedOut"], "key">>;

export type Visitor = Schema["VisitorOut"];
export type VisitorPatch = Schema["VisitorUpdate"];
/** A list row: the conversation with its visitor, last message and unread count. */
export type Conversation = Schema["ConversationRowOut"];
/** `conversation:created|updated` on /agent: the conversation itself, possibly without the row's extras. */
export type ConversationEvent = RealtimeContract["server/agent/conversation:updated"]["conversation"];
export type ConversationPatch = Schema["ConversationUpdate"];
export type Attachment = Schema["AttachmentOut"];
/** A stored message as the socket carries it; REST's `MessageOut` (always with `attachments`) is one too. */
export type Message = RealtimeContract["server/agent/message:new"]["message"];
export type NewMessage = Schema["MessageCreate"];
/** `GET …/messages`: ascending by seq, plus the conversation's current last seq. */
export type MessagePage = Schema["MessagesOut"];
/** One member's live status (`GET /projects/{pid}/presence` and the `presence` event). */
export type AgentPresence = Schema["AgentPresenceOut"];
export type AgentPresenceList = Schema["AgentPresenceListOut"];

/** A page of a list route (`{items, next_cursor}`). */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type InboxSettings = Omit<Schema["InboxSettingsOut"], "business_hours" | "prechat"> & {
  /** Stored as validated by the update (`InboxSettingsUpdate`). */
  business_hours: Schema["BusinessHours"] | null;
  prechat: Schema["Prechat"];
};
export type InboxSettingsPatch = Schema["InboxSettingsUpdate"];
export type BusinessHours = Schema["BusinessHours"];
export type PrechatField = Schema["PrechatFieldIn"];
export type MailSettings = Schema["MailSettingsOut"];

// --- integrations and agent tools (issue #9) ---------------------------------------------

export type CannedResponse = Schema["CannedOut"];
export type CannedInput = Schema["CannedCreate"];
export type CannedPatch = Schema["CannedUpdate"];
export type CannedScope = NonNullable<Schema["CannedCreate"]["scope"]>;
export type VisitorNote = Schema["NoteOut"];
export type Screenshot = Schema["ScreenshotOut"];
export type Webhook = Schema["WebhookOut"] & Partial<Pick<Schema["WebhookWithSecretOut"], "secret">>;
export type WebhookInput = Schema["WebhookCreate"];
export type WebhookEvent = WebhookInput["events"][number];
export type WebhookPatch = Schema["WebhookUpdate"];
export type WebhookDelivery = Schema["DeliveryOut"];
export type WebhookDeliveryAttempt = Schema["DeliveryAttemptOut"];
export type WebhookSecret = Schema["SecretOut"];
export type AuditEntry = Schema["AuditEntryOut"];

// --- automation (app/actions) ------------------------------------------------------------------

export type RuleOut = Schema["RuleOut"];
export type RuleRun = Schema["RunOut"];
export type RuleTemplateOut = Schema["TemplateOut"];
export type RuleTemplateList = Schema["TemplateList"];
export type VisitorExport = Schema["VisitorExportOut"];

// --- /agent socket --------------------------------------------------------------------------

/** The contract's entries under one prefix (`server/agent/`, `client/agent/` …), keyed by event name. */
type EventsUnder<Prefix extends string> = {
  [Name in keyof RealtimeContract as Name extends `${Prefix}${infer Event}` ? Event : never]: RealtimeContract[Name];
};

/** Server → client events of /agent by name, with the payload each carries. */
export type AgentEventPayloads = EventsUnder<"server/agent/">;
/** Client → server events of /agent by name, with the payload each takes. */
export type AgentRequestPayloads = EventsUnder<"client/agent/">;
export type AgentSyncAck = RealtimeContract["ack/agent/sync"];
export type ErrorAck = RealtimeContract["ack/error"];
