/** Shapes of the REST API and Socket.IO payloads (ARCHITECTURE.md §6). */

/** Ids are integers in the Flask API; strings are accepted so nothing breaks if that changes. */
export type Id = number | string;

/** Compares two ids whatever their JSON type (route params are always strings). */
export function sameId(a: Id | null | undefined, b: Id | null | undefined): boolean {
  return a != null && b != null && String(a) === String(b);
}

export type Role = "MANAGER" | "AGENT";
export type ConversationStatus = "open" | "pending" | "resolved" | "snoozed";
export type SenderType = "visitor" | "agent" | "system";
export type PresenceStatus = "online" | "away" | "offline";
export type Priority = "low" | "normal" | "high" | "urgent";

export interface User {
  id: Id;
  email: string;
  name: string;
  /** From GET /me: false until the address is confirmed from the mailed link. */
  email_verified?: boolean;
  two_factor_enabled?: boolean;
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  user: User;
}

export interface MfaChallenge {
  mfa_required: true;
  mfa_token: string;
}

export interface WidgetConfig {
  color: string;
  position: "left" | "right";
  greeting: string;
  launcher_text: string;
  away_message: string;
}

export interface Project {
  id: Id;
  name: string;
  public_key: string;
  allowed_origins: string[];
  widget: WidgetConfig;
  role: Role;
  /** Whether visitors must carry a signed identity (HMAC of the site's user id). */
  identity_required?: boolean;
  /** Managers only: the secret the site signs visitor identities with. */
  identity_secret?: string;
  /** Members without two-factor sign-in are kept out until they enrol. */
  require_2fa?: boolean;
  audit_retention_days?: number;
  created_at?: string;
}

export interface Member {
  user: User;
  role: Role;
  created_at?: string;
  /** Optional: current presence if the server includes it. */
  status?: PresenceStatus;
}

export interface Invitation {
  id: Id;
  email: string;
  role: Role;
  accept_url?: string;
  created_at?: string;
  expires_at?: string;
  accepted_at?: string | null;
}

export interface ApiKey {
  id: Id;
  name: string;
  prefix: string;
  role: Role;
  created_at: string;
  last_used_at: string | null;
  /** Set once the key is revoked; revoked keys stay listed. */
  revoked_at?: string | null;
  /** Present only in the response that created the key. */
  key?: string;
}

export interface VisitorSummary {
  id: Id;
  name: string | null;
  email: string | null;
  online: boolean;
  /** Verified by the project's identity HMAC; otherwise name and e-mail are the visitor's claim. */
  is_identity_verified?: boolean;
}

export interface Visitor extends VisitorSummary {
  project_id?: Id;
  identifier?: string | null;
  is_identity_verified?: boolean;
  attributes: Record<string, unknown>;
  /** The page the visitor was on at their latest widget session. */
  page_url: string | null;
  page_title: string | null;
  referrer?: string | null;
  browser: string | null;
  os: string | null;
  first_seen_at: string | null;
  last_seen_at: string | null;
}

export interface LastMessage {
  content: string;
  sender_type: SenderType;
  created_at: string;
  private?: boolean;
}

export interface Conversation {
  id: Id;
  project_id: Id;
  visitor_id: Id;
  visitor?: VisitorSummary;
  status: ConversationStatus;
  assignee_id: Id | null;
  priority: Priority | null;
  tags: string[];
  last_seq: number;
  last_message_at: string | null;
  last_message?: LastMessage | null;
  unread_count?: number;
  snoozed_until?: string | null;
  /** Optional: highest seq the visitor has read, for read receipts. */
  visitor_last_read_seq?: number;
  created_at: string;
}

export interface Attachment {
  id: Id;
  name: string;
  url: string;
  content_type: string;
  size: number;
}

export interface Message {
  id: Id;
  conversation_id: Id;
  seq: number;
  sender_type: SenderType;
  sender_id: Id | null;
  /** Display data of the sender, when the server includes it. */
  sender?: { id: Id | null; name: string | null; avatar_url?: string | null } | null;
  content: string;
  private: boolean;
  client_msg_id: string | null;
  created_at: string;
  attachments?: Attachment[];
}

/** `GET …/messages`: ascending by seq, plus the conversation's current last seq. */
export interface MessagePage {
  items: Message[];
  last_seq: number;
}

/** One member's live status (`GET /projects/{pid}/presence` and the `presence` event). */
export interface AgentPresence {
  user_id: Id;
  status: PresenceStatus;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface ConversationPatch {
  status?: ConversationStatus;
  assignee_id?: Id | null;
  priority?: Priority | null;
  tags?: string[];
  snoozed_until?: string | null;
}

export interface TwoFactorSetup {
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
}

export interface AuditEntry {
  id: Id;
  actor: { type: "user" | "api_key" | "system" | "anonymous"; id: Id | null };
  action: string;
  target: { type: string | null; id: string | null };
  changes: Record<string, unknown>;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
}
