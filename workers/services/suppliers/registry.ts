import {
  auditStatement,
  findSupplier,
  findSupplierByName,
  findSupplierOfMerchant,
  insertSupplierStatement,
  listSuppliersPage,
  reviewSupplierStatement,
  runAtomic,
  type SupplierRow,
  type SupplierStatus,
} from "@tessera/db";
import type { SupplierDocument } from "@tessera/db/schema";
import { newId } from "@tessera/domain";
import {
  checkEndpoint,
  type SIGNED_GATEWAY,
  SignedGatewayAdapter,
  type SignedGatewayCredentials,
  type SupplierAdapter,
} from "@tessera/suppliers";
import { type AdminCaller, actorOf, type ServiceContext } from "../../context";
import { ApiError } from "../../errors";

export const SUPPLIER_DEFAULTS = { timeoutMs: 5_000, failureThreshold: 3, cooldownSeconds: 30 };

export interface NewSupplier {
  name: string;
  adapter: typeof SIGNED_GATEWAY;
  endpoint: string;
  credentials: SignedGatewayCredentials;
  documents: SupplierDocument[];
  settings?: {
    timeoutMs?: number | undefined;
    failureThreshold?: number | undefined;
    cooldownSeconds?: number | undefined;
  };
}

export interface SupplierView {
  id: string;
  name: string;
  adapter: string;
  endpoint: string;
  status: SupplierStatus;
  documents: SupplierDocument[];
  review: { reviewedBy: string | null; reviewedAt: string | null; note: string | null };
  settings: { timeoutMs: number; failureThreshold: number; cooldownSeconds: number };
  lastSyncedAt: string | null;
  createdAt: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Credentials are never part of a view: they go in once and are only ever decrypted for a call. */
export function supplierView(row: SupplierRow): SupplierView {
  return {
    id: row.id,
    name: row.name,
    adapter: row.adapter,
    endpoint: row.endpoint,
    status: row.status,
    documents: row.documents,
    review: { reviewedBy: row.reviewedBy, reviewedAt: iso(row.reviewedAt), note: row.reviewNote },
    settings: {
      timeoutMs: row.timeoutMs,
      failureThreshold: row.failureThreshold,
      cooldownSeconds: row.cooldownSeconds,
    },
    lastSyncedAt: iso(row.lastSyncedAt),
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

const credentialsContext = (row: Pick<SupplierRow, "merchantId" | "id">) => `supplier:${row.merchantId}:${row.id}`;

export function outboundPolicy(ctx: ServiceContext) {
  return { allowPrivateNetwork: ctx.config.supplierPrivateNetwork };
}

/**
 * Registers a supplier for the merchant, `pending` until the platform operator has vetted its
 * documents. The endpoint must pass the outbound policy now, and is checked again on every call.
 */
export async function createSupplier(ctx: ServiceContext, caller: AdminCaller, input: NewSupplier) {
  const endpoint = checkEndpoint(input.endpoint, outboundPolicy(ctx));
  if (!endpoint.ok) {
    throw new ApiError("validation_failed", "The endpoint is not allowed", {
      errors: [{ path: "endpoint", message: endpoint.reason }],
    });
  }
  if (await findSupplierByName(ctx.db, caller.merchantId, input.name)) {
    throw new ApiError("conflict", "A supplier with this name already exists");
  }
  const now = Date.now();
  const id = newId("supplier", now);
  const row: SupplierRow = {
    id,
    merchantId: caller.merchantId,
    name: input.name,
    adapter: input.adapter,
    endpoint: endpoint.url.toString(),
    credentialsCiphertext: "",
    status: "pending",
    documents: input.documents,
    reviewedBy: null,
    reviewedAt: null,
    reviewNote: null,
    timeoutMs: input.settings?.timeoutMs ?? SUPPLIER_DEFAULTS.timeoutMs,
    failureThreshold: input.settings?.failureThreshold ?? SUPPLIER_DEFAULTS.failureThreshold,
    cooldownSeconds: input.settings?.cooldownSeconds ?? SUPPLIER_DEFAULTS.cooldownSeconds,
    lastSyncedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  row.credentialsCiphertext = await ctx.vault.encrypt(JSON.stringify(input.credentials), credentialsContext(row));
  try {
    await runAtomic(ctx.db, [
      insertSupplierStatement(ctx.db, row),
      auditStatement(ctx.db, caller.merchantId, {
        id: newId("audit", now),
        actor: actorOf(caller),
        action: "supplier.created",
        target: id,
        detail: { name: row.name, documents: row.documents.length },
        createdAt: now,
      }),
    ]);
  } catch (error) {
    // Two registrations of the same name at once: the unique index keeps one.
    if (await findSupplierByName(ctx.db, caller.merchantId, input.name)) {
      throw new ApiError("conflict", "A supplier with this name already exists");
    }
    throw error;
  }
  return supplierView(row);
}

export async function listMerchantSuppliers(
  ctx: ServiceContext,
  merchantId: string,
  options: { limit: number; cursor?: string | undefined; status?: SupplierStatus | undefined },
) {
  const page = await listSuppliersPage(ctx.db, { ...options, merchantId });
  return { data: page.data.map(supplierView), nextCursor: page.nextCursor };
}

/** The operator's vetting queue: suppliers of every merchant, newest first. */
export async function listSuppliersForReview(
  ctx: ServiceContext,
  options: { limit: number; cursor?: string | undefined; status?: SupplierStatus | undefined },
) {
  const page = await listSuppliersPage(ctx.db, options);
  return {
    data: page.data.map((row) => ({ ...supplierView(row), merchantId: row.merchantId })),
    nextCursor: page.nextCursor,
  };
}

/**
 * The operator's decision on a supplier: approved (SKUs may use it) or suspended (no new
 * orders go to it; orders in flight still finish). The reviewer is named and audited with the
 * merchant's log.
 */
export async function reviewSupplier(
  ctx: ServiceContext,
  supplierId: string,
  input: { decision: "approved" | "suspended"; reviewer: string; note?: string | undefined },
) {
  const current = await findSupplier(ctx.db, supplierId);
  if (!current) throw new ApiError("not_found", "No such supplier");
  const now = Date.now();
  const [[updated]] = await runAtomic(ctx.db, [
    reviewSupplierStatement(ctx.db, supplierId, {
      status: input.decision,
      reviewedBy: input.reviewer,
      reviewNote: input.note ?? null,
      at: now,
    }),
    auditStatement(ctx.db, current.merchantId, {
      id: newId("audit", now),
      actor: `operator:${input.reviewer}`,
      action: `supplier.${input.decision}`,
      target: supplierId,
      detail: { from: current.status, note: input.note ?? null },
      createdAt: now,
    }),
  ]);
  if (!updated) throw new ApiError("not_found", "No such supplier");
  return { ...supplierView(updated), merchantId: updated.merchantId };
}

export async function supplierOfMerchant(ctx: ServiceContext, merchantId: string, supplierId: string) {
  const row = await findSupplierOfMerchant(ctx.db, merchantId, supplierId);
  if (!row) throw new ApiError("not_found", "No such supplier");
  return row;
}

/** The adapter of a supplier, its credentials decrypted for this call only. */
export async function adapterFor(ctx: ServiceContext, supplier: SupplierRow): Promise<SupplierAdapter> {
  const credentials = JSON.parse(
    await ctx.vault.decrypt(supplier.credentialsCiphertext, credentialsContext(supplier)),
  ) as SignedGatewayCredentials;
  return new SignedGatewayAdapter({
    endpoint: supplier.endpoint,
    credentials,
    timeoutMs: supplier.timeoutMs,
    policy: outboundPolicy(ctx),
  });
}

/** Where this supplier posts its callbacks, when the Worker knows its public address. */
export function notifyUrlOf(ctx: ServiceContext, supplierId: string): string | undefined {
  return ctx.config.publicBaseUrl ? `${ctx.config.publicBaseUrl}/v1/webhooks/suppliers/${supplierId}` : undefined;
}
