import type { Role } from "@tessera/domain";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app";
import { roleOf } from "../context";
import { ApiError } from "../errors";

/**
 * Who may work the supply chain, beside the permission table of packages/domain: staff who run
 * the catalog manage suppliers, finance reads the reconciliation, support stays out of it. An
 * admin API key acts as an owner.
 */
export const SUPPLY_ROLES = {
  "suppliers.read": ["owner", "operator", "finance"],
  "suppliers.manage": ["owner", "operator"],
  "suppliers.reconcile": ["owner", "finance"],
} as const satisfies Record<string, readonly Role[]>;

export type SupplyCapability = keyof typeof SUPPLY_ROLES;

/** After `requireAdmin`: the caller's role must hold the supply capability, else 403 `forbidden`. */
export function requireSupplyRole(capability: SupplyCapability) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!(SUPPLY_ROLES[capability] as readonly Role[]).includes(roleOf(c.get("admin")))) {
      throw new ApiError("forbidden", "Your role may not do this");
    }
    return next();
  });
}
