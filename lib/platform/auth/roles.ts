// Roles and what they may do. Client-safe (no server-only) so the UI can hide controls it would refuse.
export const ROLES = ["viewer", "operator", "merchandiser", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = ["read", "operate", "catalog", "admin"] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  viewer: ["read"],
  operator: ["read", "operate"],
  merchandiser: ["read", "catalog"],
  admin: ["read", "operate", "catalog", "admin"],
};

export function can(role: Role | undefined | null, permission: Permission): boolean {
  return !!role && GRANTS[role].includes(permission);
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Machine scopes an API key can carry. */
export const SCOPES = ["metrics:read", "checkout", "ingest:whatsapp", "alerts:write", "reconciliation:submit"] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPE_HELP: Record<Scope, string> = {
  "metrics:read": "Read /metrics, Prometheus exposition and observability endpoints",
  checkout: "Checkout service: create checkouts; read the fulfillment, payments and catalog observability endpoints and the Prometheus scrape (the seed's shared CHECKOUT_API_KEY)",
  "ingest:whatsapp": "WhatsApp collectors: post messages to the ingest endpoint",
  "alerts:write": "Alertmanager: post alerts to the webhook receiver",
  "reconciliation:submit": "Affiliates: submit claims for reconciliation and read their own submissions' status (create with Reconciliation → Affiliates, which links the key to its affiliate)",
};

/** Who may read observability endpoints and the Prometheus scrape: scrapers, and the seed's checkout key. */
export const OBSERVABILITY_SCOPES: readonly Scope[] = ["metrics:read", "checkout"];
