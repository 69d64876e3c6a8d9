// What each staff role may do (docs/web-api-contract.md). The UI hides what a role cannot do;
// the server enforces the same table.
import type { Role } from "../lib/types";

export type Capability =
  | "dashboard"
  | "catalog.read"
  | "catalog.write"
  | "orders.read"
  | "codes.reveal"
  | "orders.refund"
  | "orders.resend"
  | "redemptions.read"
  | "redemptions.write"
  | "partners.manage"
  | "staff.manage"
  | "audit.read"
  | "tickets.manage"
  | "reports.read"
  | "channels.read"
  | "channels.manage"
  | "channels.fund"
  | "risk.read"
  | "risk.review"
  | "risk.manage"
  | "risk.limits";

const ALL: Role[] = ["owner", "operator", "finance", "support"];

const TABLE: Record<Capability, Role[]> = {
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
  "risk.review": ["owner", "operator", "finance"],
  "risk.manage": ["owner", "operator"],
  "risk.limits": ["owner"],
};

export const ROLES: Role[] = ALL;

export function can(role: Role | undefined, capability: Capability): boolean {
  return role ? TABLE[capability].includes(role) : false;
}
