/**
 * What each staff role may do: the table of docs/web-api-contract.md, enforced by the server
 * (the admin app hides the same things). An admin API key acts as an owner.
 */
export const ROLES = ["owner", "operator", "finance", "support"] as const;

export type Role = (typeof ROLES)[number];

const ALL: readonly Role[] = ROLES;

export const CAPABILITIES = {
  dashboard: ALL,
  "catalog.read": ALL,
  "catalog.write": ["owner", "operator"],
  "orders.read": ALL,
  "codes.reveal": ["owner", "operator", "finance"],
  "orders.refund": ["owner", "finance"],
  "orders.resend": ["owner", "operator", "support"],
  "redemptions.read": ALL,
  "redemptions.write": ["owner", "operator", "support"],
  "partners.manage": ["owner", "operator"],
  "staff.manage": ["owner"],
  "audit.read": ["owner"],
  "tickets.manage": ["owner", "operator", "support"],
  "reports.read": ALL,
  "channels.read": ALL,
  "channels.manage": ["owner", "operator"],
  "channels.fund": ["owner", "finance"],
  "risk.read": ALL,
  /** Approving releases goods, rejecting refunds: the people trusted with orders' money. */
  "risk.review": ["owner", "operator", "finance"],
  "risk.manage": ["owner", "operator"],
  "risk.limits": ["owner"],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof CAPABILITIES;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function can(role: string, capability: Capability): boolean {
  return isRole(role) && (CAPABILITIES[capability] as readonly Role[]).includes(role);
}

/** True when some role may not do this, so a route that needs it can answer 403. */
export function isRestricted(capability: Capability): boolean {
  return CAPABILITIES[capability].length < ROLES.length;
}
