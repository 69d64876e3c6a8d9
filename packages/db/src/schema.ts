import type { Currency } from "@tessera/domain";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

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
    passwordHash: text("password_hash").notNull(),
    failedSignIns: integer("failed_sign_ins").notNull().default(0),
    lockedUntil: integer("locked_until"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("staff_email").on(t.email)],
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
    kind: text("kind", { enum: ["admin", "partner"] }).notNull(),
    partnerId: text("partner_id").references(() => partners.id),
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
    kind: text("kind", { enum: ["card_secret", "voucher"] }).notNull(),
    description: text("description"),
    instructions: text("instructions"),
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
    /** Read model of the StockKeeper's unsold units; `stockVersion` orders concurrent updates. */
    stockAvailable: integer("stock_available").notNull().default(0),
    stockVersion: integer("stock_version").notNull().default(0),
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
    status: text("status", {
      enum: ["awaiting_payment", "payment_failed", "expired", "paid", "fulfilled", "refunded"],
    }).notNull(),
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
  },
  (t) => [
    index("orders_merchant_created").on(t.merchantId, t.id),
    index("orders_merchant_email").on(t.merchantId, t.email),
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
    kind: text("kind", { enum: ["card_secret", "voucher"] }).notNull(),
    quantity: integer("quantity").notNull(),
    unitAmount: integer("unit_amount").notNull(),
    currency: text("currency").$type<Currency>().notNull(),
    /** The SKU's policy as it was when bought: later edits never change codes already sold. */
    policyUses: integer("policy_uses").notNull(),
    policyValidDays: integer("policy_valid_days"),
    instructions: text("instructions"),
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
  },
  (t) => [index("payments_order").on(t.orderId)],
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
    createdAt: createdAt(),
    reversedAt: integer("reversed_at"),
  },
  (t) => [index("redemptions_merchant").on(t.merchantId, t.id), index("redemptions_code").on(t.codeId)],
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
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("ledger_payment_kind").on(t.paymentId, t.kind), index("ledger_merchant").on(t.merchantId)],
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
