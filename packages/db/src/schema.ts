import {
  ALERT_KINDS,
  CHANNEL_KINDS,
  CODE_FORMS,
  type Contribution,
  type Currency,
  DECISIONS,
  type FormTerms,
  LIST_KINDS,
  LIST_NAMES,
  ORDER_STATUSES,
  type OrderStatus,
  PRODUCT_KINDS,
  RENEWAL_PERIODS,
  type RechargeTemplate,
  type RiskSettings,
  SUBSCRIPTION_STATUSES,
} from "@tessera/domain";
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () => integer("created_at").notNull();

export const merchants = sqliteTable("merchants", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  locale: text("locale").notNull().default("zh-CN"),
  createdAt: createdAt(),
});

export const staff = sqliteTable(
  "staff",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ["owner", "operator", "finance", "support"] }).notNull(),
    /** `invited` until the invitation is accepted; `removed` members keep their row for the audit log. */
    status: text("status", { enum: ["active", "invited", "removed"] })
      .notNull()
      .default("active"),
    /** PBKDF2 hash; an invited or removed member holds a value no password matches. */
    passwordHash: text("password_hash").notNull(),
    /** Who invited this member (`staff:…` or `key:…`); null for a merchant's first owner. */
    invitedBy: text("invited_by"),
    /** SHA-256 of the invitation token, which is shown once; cleared when accepted. */
    inviteTokenHash: text("invite_token_hash").unique(),
    inviteExpiresAt: integer("invite_expires_at"),
    /** The TOTP secret sealed by the vault; null while the second factor is off. */
    totpSecret: text("totp_secret"),
    /** A secret being enrolled, until a code from it is confirmed. */
    totpPendingSecret: text("totp_pending_secret"),
    /** The last time step a code was accepted for: a code is good once (RFC 6238 §5.2). */
    totpLastStep: integer("totp_last_step"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("staff_email").on(t.email), index("staff_merchant").on(t.merchantId, t.id)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    staffId: text("staff_id")
      .notNull()
      .references(() => staff.id),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    csrfToken: text("csrf_token").notNull(),
    expiresAt: integer("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("sessions_staff").on(t.staffId)],
);

export const partners = sqliteTable(
  "partners",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("partners_merchant").on(t.merchantId, t.id)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    kind: text("kind", { enum: ["admin", "partner", "channel"] }).notNull(),
    partnerId: text("partner_id").references(() => partners.id),
    /** A reseller channel's key (`tess_channel_…`). */
    channelId: text("channel_id"),
    name: text("name").notNull(),
    /** The first characters of the key, shown in lists so staff can tell keys apart. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the whole key: keys carry 256 bits of entropy, so a slow hash adds nothing. */
    hash: text("hash").notNull().unique(),
    createdAt: createdAt(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_keys_merchant").on(t.merchantId, t.kind)],
);

export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    name: text("name").notNull(),
    kind: text("kind", { enum: PRODUCT_KINDS }).notNull(),
    description: text("description"),
    instructions: text("instructions"),
    /** An https URL of the product's picture. */
    imageUrl: text("image_url"),
    /** The recipient a direct top-up asks for at checkout; null for other kinds. */
    rechargeTemplate: text("recharge_template", { mode: "json" }).$type<RechargeTemplate>(),
    listed: integer("listed", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("products_merchant").on(t.merchantId, t.id)],
);

export const skus = sqliteTable(
  "skus",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    productId: text("product_id")
      .notNull()
      .references(() => products.id),
    name: text("name").notNull(),
    priceAmount: integer("price_amount").notNull(),
    currency: text("currency").$type<Currency>().notNull(),
    policyUses: integer("policy_uses").notNull().default(1),
    policyValidDays: integer("policy_valid_days"),
    /** The product form's own terms (stored value, time card, licence, count-card interval); null for a plain voucher. */
    policyTerms: text("policy_terms", { mode: "json" }).$type<FormTerms>(),
    /** Read model of the StockKeeper's units; `stockVersion` orders concurrent updates. */
    stockAvailable: integer("stock_available").notNull().default(0),
    stockReserved: integer("stock_reserved").notNull().default(0),
    stockSold: integer("stock_sold").notNull().default(0),
    stockVersion: integer("stock_version").notNull().default(0),
    /** Warn when available units fall to this many or fewer; null for no warning. */
    lowStockThreshold: integer("low_stock_threshold"),
    /** Units the SKU's healthy, approved suppliers offered at their last sync. */
    upstreamAvailable: integer("upstream_available").notNull().default(0),
    /** Sold as a subscription renewing every `renewalEvery` of these periods; null for a one-off purchase. */
    renewalPeriod: text("renewal_period", { enum: RENEWAL_PERIODS }),
    renewalEvery: integer("renewal_every"),
    createdAt: createdAt(),
  },
  (t) => [index("skus_product").on(t.productId), index("skus_merchant").on(t.merchantId)],
);

export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    email: text("email").notNull(),
    status: text("status", { enum: ORDER_STATUSES as [OrderStatus, ...OrderStatus[]] }).notNull(),
    totalAmount: integer("total_amount").notNull(),
    currency: text("currency").$type<Currency>().notNull(),
    accessTokenHash: text("access_token_hash").notNull(),
    reservationExpiresAt: integer("reservation_expires_at").notNull(),
    statusReason: text("status_reason"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
    paidAt: integer("paid_at"),
    fulfilledAt: integer("fulfilled_at"),
    refundedAt: integer("refunded_at"),
    /** The buyer's IANA time zone, as the shop sent it: subscription periods follow its calendar. */
    timeZone: text("time_zone"),
    /** The channel the order came through; null for the merchant's own shop. */
    channelId: text("channel_id"),
    /** The buyer's IP as Cloudflare saw it (`CF-Connecting-IP`): a risk signal, null when unknown. */
    clientIp: text("client_ip"),
    /** The shop's random device id (`X-Device-Id`, kept in the browser's storage): a risk signal. */
    deviceId: text("device_id"),
    /** The country Cloudflare placed that IP in (`request.cf.country`): the risk rules' IP region. */
    clientCountry: text("client_country"),
  },
  (t) => [
    index("orders_merchant_created").on(t.merchantId, t.id),
    index("orders_merchant_channel").on(t.merchantId, t.channelId, t.id),
    index("orders_merchant_email").on(t.merchantId, t.email),
    index("orders_merchant_created_at").on(t.merchantId, t.createdAt),
    // The risk rules' velocity and many-emails counts look orders up by IP and device.
    index("orders_merchant_ip").on(t.merchantId, t.clientIp, t.createdAt),
    index("orders_merchant_device").on(t.merchantId, t.deviceId, t.createdAt),
    index("orders_merchant_status").on(t.merchantId, t.status, t.id),
  ],
);

export const orderItems = sqliteTable(
  "order_items",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    merchantId: text("merchant_id").notNull(),
    skuId: text("sku_id")
      .notNull()
      .references(() => skus.id),
    productName: text("product_name").notNull(),
    skuName: text("sku_name").notNull(),
    kind: text("kind", { enum: PRODUCT_KINDS }).notNull(),
    quantity: integer("quantity").notNull(),
    unitAmount: integer("unit_amount").notNull(),
    currency: text("currency").$type<Currency>().notNull(),
    /** The SKU's policy as it was when bought: later edits never change codes already sold. */
    policyUses: integer("policy_uses").notNull(),
    policyValidDays: integer("policy_valid_days"),
    policyTerms: text("policy_terms", { mode: "json" }).$type<FormTerms>(),
    instructions: text("instructions"),
    /** A direct top-up's recipient account, sealed by the vault, and the masked form shown to people. */
    recipientCiphertext: text("recipient_ciphertext"),
    recipientMasked: text("recipient_masked"),
    /** A bundle's component: the bundle line it was bought in. Its `unitAmount` is 0; its price is `allocatedAmount`. */
    parentItemId: text("parent_item_id"),
    /** What this line cost the buyer, in minor units: a component's share of its bundle line, else unit × quantity. */
    allocatedAmount: integer("allocated_amount"),
    /** Refunded on its own (a per-item refund); the order as a whole may still be delivered. */
    refundedAt: integer("refunded_at"),
    /** The SKU's subscription plan when bought (the line starts a subscription); null on renewal orders. */
    renewalPeriod: text("renewal_period", { enum: RENEWAL_PERIODS }),
    renewalEvery: integer("renewal_every"),
    /** The flash sale the line was bought in (at its price); its reservation lives in that sale's shard. */
    flashSaleId: text("flash_sale_id"),
    flashSaleShard: integer("flash_sale_shard"),
  },
  (t) => [index("order_items_order").on(t.orderId)],
);

export const payments = sqliteTable(
  "payments",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    provider: text("provider").notNull(),
    status: text("status", { enum: ["pending", "succeeded", "failed", "refunded"] }).notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").$type<Currency>().notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
    /**
     * The provider's stable, opaque fingerprint of the card last used on this payment (the same
     * card always gives the same one; it never holds the number): a risk signal.
     */
    fingerprint: text("fingerprint"),
    /** The ISO 3166-1 alpha-2 country that issued that card, as the provider reports it. */
    cardCountry: text("card_country"),
  },
  (t) => [index("payments_order").on(t.orderId), index("payments_fingerprint").on(t.merchantId, t.fingerprint)],
);

export const deliveries = sqliteTable(
  "deliveries",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    itemId: text("item_id").notNull(),
    skuId: text("sku_id").notNull(),
    seq: integer("seq").notNull(),
    /** AES-GCM ciphertext with its key id (`k1:…`); plain codes never reach D1. */
    codeCiphertext: text("code_ciphertext").notNull(),
    secretCiphertext: text("secret_ciphertext"),
    codeId: text("code_id"),
    lookupKey: text("lookup_key"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("deliveries_item_seq").on(t.itemId, t.seq), index("deliveries_order").on(t.orderId)],
);

export const codes = sqliteTable(
  "codes",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    skuId: text("sku_id").notNull(),
    orderId: text("order_id").notNull(),
    lookupKey: text("lookup_key").notNull().unique(),
    status: text("status").notNull(),
    usesTotal: integer("uses_total").notNull(),
    usesRemaining: integer("uses_remaining").notNull(),
    expiresAt: integer("expires_at"),
    /** The product form; null for codes armed before forms (vouchers). */
    form: text("form", { enum: CODE_FORMS }),
    /** Stored value: loaded and left, in minor units of the SKU's currency. */
    balanceTotal: integer("balance_total"),
    balanceRemaining: integer("balance_remaining"),
    /** Time cards counted from first use: when that was. */
    activatedAt: integer("activated_at"),
    /** Licences: devices holding a seat. */
    seatsUsed: integer("seats_used"),
    version: integer("version").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("codes_merchant").on(t.merchantId, t.id)],
);

export const redemptions = sqliteTable(
  "redemptions",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    codeId: text("code_id").notNull(),
    partnerId: text("partner_id"),
    status: text("status", { enum: ["completed", "reversed"] }).notNull(),
    location: text("location"),
    /** Who redeemed: `partner:…`, or `staff:…` / `key:…` at the manual redemption desk. */
    actor: text("actor"),
    /** Stored value: the minor units this redemption spent, and their currency; null for forms that take a use. */
    amount: integer("amount"),
    currency: text("currency").$type<Currency>(),
    createdAt: createdAt(),
    reversedAt: integer("reversed_at"),
  },
  (t) => [
    index("redemptions_merchant").on(t.merchantId, t.id),
    index("redemptions_code").on(t.codeId),
    index("redemptions_merchant_created").on(t.merchantId, t.createdAt),
  ],
);

/** Read model of licence seats: one row per device that has held a seat of a code. */
export const licenceActivations = sqliteTable(
  "licence_activations",
  {
    codeId: text("code_id").notNull(),
    deviceId: text("device_id").notNull(),
    merchantId: text("merchant_id").notNull(),
    activatedAt: integer("activated_at").notNull(),
    /** Null while the device holds its seat. */
    deactivatedAt: integer("deactivated_at"),
    /** The ledger's version of the code at this change, so an older event never undoes a newer one. */
    version: integer("version").notNull(),
  },
  (t) => [primaryKey({ columns: [t.codeId, t.deviceId] }), index("licence_activations_merchant").on(t.merchantId)],
);

export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    state: text("state", { enum: ["pending", "done"] }).notNull(),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    provider: text("provider").notNull(),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.eventId] })],
);

/** Every movement of money; reconciles against orders and payments. */
export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    orderId: text("order_id").notNull(),
    paymentId: text("payment_id").notNull(),
    kind: text("kind", { enum: ["payment", "refund"] }).notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").$type<Currency>().notNull(),
    /** The order item a per-item refund gave back; null for movements of the whole payment. */
    itemId: text("item_id"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("ledger_payment_kind").on(t.paymentId, t.kind).where(sql`item_id IS NULL`),
    uniqueIndex("ledger_item_kind").on(t.itemId, t.kind).where(sql`item_id IS NOT NULL`),
    index("ledger_merchant").on(t.merchantId),
    index("ledger_merchant_created").on(t.merchantId, t.createdAt),
  ],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    target: text("target"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index("audit_merchant").on(t.merchantId, t.id)],
);

/**
 * Further access tokens of an order, issued by an order lookup (email and order number). The
 * token made with the order stays valid beside them; each is stored as its SHA-256 only.
 */
export const orderAccessTokens = sqliteTable(
  "order_access_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    createdAt: createdAt(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("order_access_tokens_order").on(t.orderId)],
);

/**
 * Messages owed to a buyer (the delivery e-mail, again on request; a subscription's renewal,
 * failed charge, lapse and cancellation); a sender drains `queued`.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    kind: text("kind", {
      enum: [
        "delivery",
        "subscription_renewed",
        "subscription_payment_failed",
        "subscription_lapsed",
        "subscription_canceled",
      ],
    }).notNull(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    /** The subscription a subscription notice is about. */
    subscriptionId: text("subscription_id"),
    email: text("email").notNull(),
    status: text("status", { enum: ["queued", "sent", "failed"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("notifications_merchant_order").on(t.merchantId, t.orderId)],
);

/** A buyer's help request about an order, for the merchant's support queue. */
export const tickets = sqliteTable(
  "tickets",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    email: text("email").notNull(),
    message: text("message").notNull(),
    status: text("status", { enum: ["open", "closed"] }).notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("tickets_merchant_status").on(t.merchantId, t.status, t.id)],
);

// ---- Supply chain: suppliers, their SKUs, upstream orders, settlements and reconciliation ----

export interface SupplierDocument {
  kind: "business_license" | "contract" | "authorization" | "other";
  name: string;
  reference: string;
}

/**
 * A merchant's upstream supplier. Its credentials (account id, signing secret, card key) are
 * sealed by the vault; the platform operator vets it before any SKU may use it.
 */
export const suppliers = sqliteTable(
  "suppliers",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    name: text("name").notNull(),
    adapter: text("adapter", { enum: ["signed_gateway"] }).notNull(),
    /** The one URL requests go to; checked against the outbound policy on save and on every call. */
    endpoint: text("endpoint").notNull(),
    credentialsCiphertext: text("credentials_ciphertext").notNull(),
    status: text("status", { enum: ["pending", "approved", "suspended"] }).notNull(),
    documents: text("documents", { mode: "json" }).$type<SupplierDocument[]>().notNull(),
    reviewedBy: text("reviewed_by"),
    reviewedAt: integer("reviewed_at"),
    reviewNote: text("review_note"),
    /** Per call; a slower answer counts as a timeout against the circuit breaker. */
    timeoutMs: integer("timeout_ms").notNull(),
    /** Failures in a row that open the circuit, and how long it then stays open. */
    failureThreshold: integer("failure_threshold").notNull(),
    cooldownSeconds: integer("cooldown_seconds").notNull(),
    lastSyncedAt: integer("last_synced_at"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("suppliers_merchant_name").on(t.merchantId, t.name),
    index("suppliers_status").on(t.status, t.id),
  ],
);

/** Which suppliers can deliver a SKU, in order (priority 0 is the primary), at what cost. */
export const skuSuppliers = sqliteTable(
  "sku_suppliers",
  {
    skuId: text("sku_id")
      .notNull()
      .references(() => skus.id),
    supplierId: text("supplier_id")
      .notNull()
      .references(() => suppliers.id),
    merchantId: text("merchant_id").notNull(),
    upstreamProductId: text("upstream_product_id").notNull(),
    priority: integer("priority").notNull(),
    /** Cost per unit: as agreed when bound, then as the supplier quotes it at each sync. */
    costAmount: integer("cost_amount").notNull(),
    currency: text("currency").$type<Currency>().notNull(),
    upstreamStock: integer("upstream_stock"),
    syncedAt: integer("synced_at"),
    /** Why the last sync could not read this supplier; null when it could. */
    syncError: text("sync_error"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.skuId, t.supplierId] }), index("sku_suppliers_supplier").on(t.supplierId)],
);

/** A SKU's supply settings: when to restock from suppliers, and how its price follows their cost. */
export const skuSupply = sqliteTable("sku_supply", {
  skuId: text("sku_id")
    .primaryKey()
    .references(() => skus.id),
  merchantId: text("merchant_id").notNull(),
  restockThreshold: integer("restock_threshold"),
  restockQuantity: integer("restock_quantity"),
  /** Price = primary cost × (1 + markupBps / 10 000), rounded up; null keeps the merchant's price. */
  markupBps: integer("markup_bps"),
  /** The restock in flight, claimed so that only one runs per SKU. */
  restockOrderId: text("restock_order_id"),
  restockClaimedAt: integer("restock_claimed_at"),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * One order placed with a supplier. Its id is the merchant order number the supplier sees, so
 * every repeat of a call is idempotent upstream. An order line that fails over to a backup gets
 * a new attempt (unique per item and attempt number).
 */
export const supplierOrders = sqliteTable(
  "supplier_orders",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    supplierId: text("supplier_id")
      .notNull()
      .references(() => suppliers.id),
    skuId: text("sku_id").notNull(),
    orderId: text("order_id"),
    itemId: text("item_id"),
    purpose: text("purpose", { enum: ["order", "restock"] }).notNull(),
    method: text("method", { enum: ["purchase", "topup"] }).notNull(),
    attempt: integer("attempt").notNull(),
    upstreamProductId: text("upstream_product_id").notNull(),
    quantity: integer("quantity").notNull(),
    /** What we expect to pay: the bound cost when the order was placed, times the quantity. */
    costAmount: integer("cost_amount").notNull(),
    currency: text("currency").$type<Currency>().notNull(),
    /** pending: not sent yet; unknown: sent, no answer; processing: accepted upstream. */
    status: text("status", { enum: ["pending", "unknown", "processing", "succeeded", "failed"] }).notNull(),
    upstreamOrderNo: text("upstream_order_no"),
    upstreamVersion: integer("upstream_version").notNull().default(0),
    /** What the supplier says it charged. */
    chargedAmount: integer("charged_amount"),
    serialNo: text("serial_no"),
    /** Cards bought, sealed by the vault until they are delivered or stocked. */
    cardsCiphertext: text("cards_ciphertext"),
    failReason: text("fail_reason"),
    polls: integer("polls").notNull().default(0),
    nextPollAt: integer("next_poll_at"),
    /** The UTC day the order was placed, as the supplier's statement groups it. */
    day: text("day").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [
    uniqueIndex("supplier_orders_item_attempt").on(t.itemId, t.attempt),
    index("supplier_orders_supplier_day").on(t.supplierId, t.day),
    index("supplier_orders_status").on(t.status, t.nextPollAt),
    index("supplier_orders_order").on(t.orderId),
  ],
);

/** What we paid a supplier: one debit per upstream order we accepted as delivered. */
export const supplierSettlements = sqliteTable(
  "supplier_settlements",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    supplierId: text("supplier_id").notNull(),
    supplierOrderId: text("supplier_order_id").notNull(),
    kind: text("kind", { enum: ["debit"] }).notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").$type<Currency>().notNull(),
    day: text("day").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("supplier_settlements_order_kind").on(t.supplierOrderId, t.kind),
    index("supplier_settlements_supplier_day").on(t.supplierId, t.day),
  ],
);

/** The last reconciliation of a supplier's day, kept for the finance role. */
export const supplierReconciliations = sqliteTable(
  "supplier_reconciliations",
  {
    supplierId: text("supplier_id").notNull(),
    day: text("day").notNull(),
    merchantId: text("merchant_id").notNull(),
    mismatches: integer("mismatches").notNull(),
    report: text("report", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.supplierId, t.day] })],
);

// ---- Bundles and subscriptions (周期购) ----

/** What one bundle SKU delivers: each component a SKU of the same merchant, with a quantity. */
export const bundleComponents = sqliteTable(
  "bundle_components",
  {
    bundleSkuId: text("bundle_sku_id")
      .notNull()
      .references(() => skus.id),
    componentSkuId: text("component_sku_id")
      .notNull()
      .references(() => skus.id),
    merchantId: text("merchant_id").notNull(),
    quantity: integer("quantity").notNull(),
    /** Where the component sits in the bundle, as the merchant listed it. */
    position: integer("position").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.bundleSkuId, t.componentSkuId] }),
    index("bundle_components_component").on(t.componentSkuId),
  ],
);

/**
 * A payment method the provider saved at checkout for off-session charges. The provider's
 * token can charge the customer, so it is sealed by the vault; `label` is what people see.
 */
export const paymentMethods = sqliteTable("payment_methods", {
  id: text("id").primaryKey(),
  merchantId: text("merchant_id").notNull(),
  /** The payment it was saved with; one method per payment. */
  paymentId: text("payment_id")
    .notNull()
    .unique()
    .references(() => payments.id),
  provider: text("provider").notNull(),
  tokenCiphertext: text("token_ciphertext").notNull(),
  label: text("label").notNull(),
  createdAt: createdAt(),
});

/**
 * One subscription line of a paid order, renewing every period until cancelled or lapsed.
 * Period 0 is the one the first order paid for; period n starts `n × plan` after the anchor.
 * The price, plan and quantity are those agreed at purchase; later SKU edits do not change them.
 */
export const subscriptions = sqliteTable(
  "subscriptions",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    skuId: text("sku_id")
      .notNull()
      .references(() => skus.id),
    sourceOrderId: text("source_order_id")
      .notNull()
      .references(() => orders.id),
    sourceItemId: text("source_item_id").notNull().unique(),
    email: text("email").notNull(),
    productName: text("product_name").notNull(),
    skuName: text("sku_name").notNull(),
    quantity: integer("quantity").notNull(),
    unitAmount: integer("unit_amount").notNull(),
    currency: text("currency").$type<Currency>().notNull(),
    period: text("period", { enum: RENEWAL_PERIODS }).notNull(),
    every: integer("every").notNull(),
    timeZone: text("time_zone").notNull(),
    anchorAt: integer("anchor_at").notNull(),
    currentPeriod: integer("current_period").notNull(),
    currentPeriodStart: integer("current_period_start").notNull(),
    currentPeriodEnd: integer("current_period_end").notNull(),
    status: text("status", { enum: SUBSCRIPTION_STATUSES }).notNull(),
    /** When the cron renews it next; null while a renewal is in flight and once it no longer renews. */
    nextRenewalAt: integer("next_renewal_at"),
    paymentMethodId: text("payment_method_id").references(() => paymentMethods.id),
    /** The saved method as people see it (`Visa •••• 4242`). */
    paymentMethodLabel: text("payment_method_label"),
    /** A top-up subscription's recipient account, sealed by the vault, and its masked form. */
    recipientCiphertext: text("recipient_ciphertext"),
    recipientMasked: text("recipient_masked"),
    canceledAt: integer("canceled_at"),
    /** `customer`, or the staff actor who cancelled it. */
    canceledBy: text("canceled_by"),
    lapsedAt: integer("lapsed_at"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("subscriptions_merchant").on(t.merchantId, t.id),
    index("subscriptions_due").on(t.status, t.nextRenewalAt),
    index("subscriptions_source_order").on(t.sourceOrderId),
  ],
);

/**
 * The renewal of one period of a subscription: its order, and its charge attempts. Unique per
 * subscription and period, so however often the cron runs a period is renewed once.
 */
export const subscriptionRenewals = sqliteTable(
  "subscription_renewals",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    subscriptionId: text("subscription_id")
      .notNull()
      .references(() => subscriptions.id),
    period: integer("period").notNull(),
    orderId: text("order_id")
      .notNull()
      .unique()
      .references(() => orders.id),
    /** charging: an attempt is under way; failed: waiting for its retry; then succeeded, lapsed or canceled. */
    status: text("status", { enum: ["charging", "failed", "succeeded", "lapsed", "canceled"] }).notNull(),
    attempts: integer("attempts").notNull(),
    nextAttemptAt: integer("next_attempt_at"),
    lastFailure: text("last_failure"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("subscription_renewals_period").on(t.subscriptionId, t.period),
    index("subscription_renewals_due").on(t.status, t.nextAttemptAt),
  ],
);

/**
 * A subscription's history, one row per thing that happened to it. Unique per period, kind and
 * attempt: the row is written in the same batch as the change (and the customer's notice), so
 * a change applied twice fails the second batch and notifies once.
 */
export const subscriptionEvents = sqliteTable(
  "subscription_events",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    subscriptionId: text("subscription_id")
      .notNull()
      .references(() => subscriptions.id),
    period: integer("period").notNull(),
    kind: text("kind", { enum: ["renewed", "payment_failed", "lapsed", "canceled"] }).notNull(),
    attempt: integer("attempt").notNull(),
    orderId: text("order_id"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("subscription_events_once").on(t.subscriptionId, t.period, t.kind, t.attempt),
    index("subscription_events_subscription").on(t.subscriptionId, t.id),
  ],
);

// ---- Flash sales: a time-boxed price and quota for one SKU, its stock in sharded objects ----

/**
 * A flash sale (秒杀). Its stock lives in the sale's StockShard objects: card secrets moved out
 * of the SKU's StockKeeper when the sale is created, or slots of a minted good. Whether it is
 * scheduled, open or over follows from the times and `cancelledAt`.
 */
export const flashSales = sqliteTable(
  "flash_sales",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    skuId: text("sku_id")
      .notNull()
      .references(() => skus.id),
    name: text("name").notNull(),
    priceAmount: integer("price_amount").notNull(),
    currency: text("currency").$type<Currency>().notNull(),
    quota: integer("quota").notNull(),
    perCustomerLimit: integer("per_customer_limit").notNull(),
    shards: integer("shards").notNull(),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    /** When the sale's stock reached its shards; a sale without it is not sold yet. */
    stockedAt: integer("stocked_at"),
    cancelledAt: integer("cancelled_at"),
    /** When every shard had closed and sent its unsold units back to the SKU's stock. */
    closedAt: integer("closed_at"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("flash_sales_merchant").on(t.merchantId, t.id), index("flash_sales_sku").on(t.skuId, t.endsAt)],
);

/** Read model of each shard's levels, from its `sale.level` events; `version` orders them. */
export const flashSaleShards = sqliteTable(
  "flash_sale_shards",
  {
    saleId: text("sale_id").notNull(),
    shard: integer("shard").notNull(),
    merchantId: text("merchant_id").notNull(),
    available: integer("available").notNull(),
    reserved: integer("reserved").notNull(),
    sold: integer("sold").notNull(),
    version: integer("version").notNull(),
  },
  (t) => [primaryKey({ columns: [t.saleId, t.shard] })],
);

// ---- Channels: the shop, mini-programs, apps and resellers, their price lists and balances ----

/**
 * A door the merchant sells through. The shop is created with the merchant (one per merchant);
 * consumer channels carry a publishable key that identifies them on the shop API; a reseller
 * has secret keys (in `api_keys`) and a prepaid balance that can never go below zero.
 */
export const channels = sqliteTable(
  "channels",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    kind: text("kind", { enum: CHANNEL_KINDS }).notNull(),
    name: text("name").notNull(),
    status: text("status", { enum: ["active", "suspended"] }).notNull(),
    /**
     * A mini-program's or app's `X-Channel-Key` (`tess_pk_…`). It names the channel and unlocks
     * nothing but its public prices, like a payment provider's publishable key, so it is stored
     * as is and shown to staff whenever they look.
     */
    publishableKey: text("publishable_key").unique(),
    /** Where a reseller's orders are addressed (the order's email); null for other kinds. */
    contactEmail: text("contact_email"),
    balanceAmount: integer("balance_amount").notNull().default(0),
    balanceCurrency: text("balance_currency").$type<Currency>().notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("channels_merchant").on(t.merchantId, t.id),
    uniqueIndex("channels_one_shop").on(t.merchantId).where(sql`${t.kind} = 'shop'`),
    // A debit that would overdraw fails the whole batch it is in, the order with it.
    check("channel_balance_nonnegative", sql`${t.balanceAmount} >= 0`),
  ],
);

/**
 * A channel's price list: per SKU, its own price (null: the SKU's list price) and an optional
 * quota. `quotaUsed` counts the units of the channel's live orders; an order claims its units in
 * the same batch that writes it, and the check makes a claim past the quota fail that batch.
 */
export const channelPrices = sqliteTable(
  "channel_prices",
  {
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id),
    skuId: text("sku_id")
      .notNull()
      .references(() => skus.id),
    merchantId: text("merchant_id").notNull(),
    priceAmount: integer("price_amount"),
    currency: text("currency").$type<Currency>(),
    quota: integer("quota"),
    quotaUsed: integer("quota_used").notNull().default(0),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.channelId, t.skuId] }),
    index("channel_prices_sku").on(t.skuId),
    check("channel_quota_within", sql`${t.quotaUsed} >= 0 AND (${t.quota} IS NULL OR ${t.quotaUsed} <= ${t.quota})`),
  ],
);

/** The units an order claimed of its channel's quota, held until it is released once. */
export const channelQuotaHolds = sqliteTable(
  "channel_quota_holds",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    skuId: text("sku_id").notNull(),
    channelId: text("channel_id").notNull(),
    merchantId: text("merchant_id").notNull(),
    quantity: integer("quantity").notNull(),
    status: text("status", { enum: ["held", "released"] }).notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.skuId] })],
);

/** Every movement of a reseller's balance, with the balance it left. */
export const channelBalanceEntries = sqliteTable(
  "channel_balance_entries",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id),
    kind: text("kind", { enum: ["top_up", "order_debit", "refund_credit"] }).notNull(),
    /** Signed minor units: a top-up or a refund adds, an order's debit takes away. */
    amount: integer("amount").notNull(),
    currency: text("currency").$type<Currency>().notNull(),
    balanceAfter: integer("balance_after").notNull(),
    orderId: text("order_id"),
    /** A line refunded on its own: its credit is one of the order's. */
    itemId: text("item_id"),
    /** Who topped up (`staff:…` or `key:…`); null for an order's own movements. */
    actor: text("actor"),
    note: text("note"),
    createdAt: createdAt(),
  },
  (t) => [
    // An order is debited once, and credited back at most once as a whole and once per line.
    uniqueIndex("channel_balance_order_kind").on(t.orderId, t.kind).where(sql`${t.itemId} IS NULL`),
    uniqueIndex("channel_balance_item_kind").on(t.itemId, t.kind).where(sql`${t.itemId} IS NOT NULL`),
    index("channel_balance_channel").on(t.channelId, t.id),
  ],
);

/** An https endpoint a reseller registered for its order outcomes; the signing secret is sealed by the vault. */
export const channelWebhooks = sqliteTable(
  "channel_webhooks",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id),
    url: text("url").notNull(),
    secretCiphertext: text("secret_ciphertext").notNull(),
    status: text("status", { enum: ["active", "removed"] }).notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("channel_webhooks_channel").on(t.channelId, t.id)],
);

/** An order outcome told to a reseller: one per order and type, its body fixed once so every retry sends the same bytes. */
export const channelEvents = sqliteTable(
  "channel_events",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    channelId: text("channel_id").notNull(),
    orderId: text("order_id").notNull(),
    type: text("type", { enum: ["order.fulfilled", "order.refunded"] }).notNull(),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("channel_events_order_type").on(t.orderId, t.type)],
);

/** One event sent to one endpoint: attempted from the `channel-webhooks` queue until it succeeds or is given up. */
export const channelWebhookDeliveries = sqliteTable(
  "channel_webhook_deliveries",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    channelId: text("channel_id").notNull(),
    webhookId: text("webhook_id")
      .notNull()
      .references(() => channelWebhooks.id),
    eventId: text("event_id")
      .notNull()
      .references(() => channelEvents.id),
    status: text("status", { enum: ["pending", "succeeded", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    nextAttemptAt: integer("next_attempt_at"),
    deliveredAt: integer("delivered_at"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("channel_webhook_deliveries_once").on(t.webhookId, t.eventId),
    index("channel_webhook_deliveries_channel").on(t.channelId, t.id),
    index("channel_webhook_deliveries_status").on(t.status, t.nextAttemptAt),
  ],
);

/** A merchant's risk settings (see `RiskSettings` in the domain); no row means the defaults. */
export const riskSettings = sqliteTable("risk_settings", {
  merchantId: text("merchant_id")
    .primaryKey()
    .references(() => merchants.id),
  settings: text("settings", { mode: "json" }).$type<Partial<RiskSettings>>().notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Block- and allowlist entries; `value` is normalized (an IP range canonical, an e-mail one mailbox). */
export const riskListEntries = sqliteTable(
  "risk_list_entries",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    kind: text("kind", { enum: LIST_KINDS }).notNull(),
    list: text("list", { enum: LIST_NAMES }).notNull(),
    value: text("value").notNull(),
    note: text("note"),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("risk_list_entries_value").on(t.merchantId, t.kind, t.list, t.value),
    index("risk_list_entries_merchant").on(t.merchantId, t.id),
  ],
);

/** The score of an order, with each rule's contribution; one per order, the first decision stands. */
export const riskAssessments = sqliteTable(
  "risk_assessments",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    orderId: text("order_id")
      .notNull()
      .unique()
      .references(() => orders.id),
    score: integer("score").notNull(),
    decision: text("decision", { enum: DECISIONS }).notNull(),
    contributions: text("contributions", { mode: "json" }).$type<Contribution[]>().notNull(),
    /** `fast`: a list hit in the payment webhook; `queue`: scored by the `risk` consumer. */
    stage: text("stage", { enum: ["fast", "queue"] }).notNull(),
    /** Keyed hash of the order's first top-up recipient, for the recipient velocity rule. */
    recipientKey: text("recipient_key"),
    createdAt: createdAt(),
  },
  (t) => [
    index("risk_assessments_merchant").on(t.merchantId, t.id),
    index("risk_assessments_recipient").on(t.merchantId, t.recipientKey, t.createdAt),
  ],
);

/**
 * Every risk decision on an order: the automatic one (`actor` = `system`, once per order) and
 * a person's approval or rejection of a held order, with the automatic decision it overruled.
 */
export const riskDecisions = sqliteTable(
  "risk_decisions",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id),
    action: text("action", { enum: ["allow", "review", "block", "approve", "reject"] }).notNull(),
    actor: text("actor").notNull(),
    /** The automatic decision a person overruled; null for automatic entries. */
    overruled: text("overruled", { enum: DECISIONS }),
    note: text("note"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("risk_decisions_automatic").on(t.orderId).where(sql`actor = 'system'`),
    uniqueIndex("risk_decisions_human").on(t.orderId).where(sql`actor <> 'system'`),
    index("risk_decisions_merchant").on(t.merchantId, t.id),
  ],
);

/**
 * Partner-side alerts raised after a redemption. `key` makes each one once: per redemption and
 * kind, and for a burst per partner and window, however often or concurrently events arrive.
 */
export const redemptionAlerts = sqliteTable(
  "redemption_alerts",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    kind: text("kind", { enum: ALERT_KINDS }).notNull(),
    redemptionId: text("redemption_id").notNull(),
    codeId: text("code_id").notNull(),
    partnerId: text("partner_id"),
    location: text("location"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    key: text("key").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("redemption_alerts_once").on(t.merchantId, t.key),
    index("redemption_alerts_merchant").on(t.merchantId, t.id),
  ],
);

/**
 * A merchant's synchronous risk limits (packages/domain's `RiskLimits`), one JSON document per
 * merchant; a merchant without a row is under the defaults.
 */
export const riskLimits = sqliteTable("risk_limits", {
  merchantId: text("merchant_id")
    .primaryKey()
    .references(() => merchants.id),
  limits: text("limits", { mode: "json" }).notNull(),
  updatedAt: integer("updated_at").notNull(),
});
