// The shapes the web app reads from the API (see docs/web-api-contract.md and /openapi.json).
import type { Money } from "./api";

export type { Money };

/** As the API lists them (packages/domain/src/product-kinds.ts). */
export type ProductKind =
  | "card_secret"
  | "voucher"
  | "stored_value"
  | "time_card"
  | "licence"
  | "shared_account"
  | "bundle"
  | "direct_recharge";

/** What a direct top-up (直充) asks the buyer for at checkout. */
export type RechargeTemplate =
  | { template: "mobile_cn" }
  | { template: "game_account"; regions: string[] }
  | { template: "qq" }
  | { template: "email" };

/** A product form's own terms (packages/domain/src/code-forms.ts). */
export type Terms =
  | { form: "uses"; minIntervalSeconds: number | null }
  | { form: "balance"; balance: number }
  | {
      form: "time";
      durationSeconds: number;
      start: "activation" | "purchase";
      weekdays: number[] | null;
      hours: { from: string; to: string } | null;
      timeZone: string;
    }
  | { form: "seats"; seats: number };

export interface Policy {
  uses: number;
  validDays: number | null;
  terms?: Terms | null;
}

/** How often a subscription SKU renews: every `every` days, weeks or months. */
export interface RenewalPlan {
  period: "day" | "week" | "month";
  every: number;
}

/** One SKU inside a bundle. */
export interface BundleComponent {
  skuId: string;
  productId: string;
  productName: string;
  skuName: string;
  kind: ProductKind;
  quantity: number;
  listPrice: Money;
  available?: number | null;
  /** In a composition answer: the component's share of one bundle's price. */
  share?: Money;
}

export interface Sku {
  id: string;
  name: string;
  price: Money;
  policy: Policy;
  available: number | null;
  lowStockThreshold?: number | null;
  /** The flash sale pricing the SKU now (`open`), or the next one (`scheduled`). */
  flashSale?: SaleBadge;
  renewal?: RenewalPlan | null;
  components?: BundleComponent[];
}

export interface SaleBadge {
  id: string;
  name: string;
  price: Money;
  startsAt: string;
  endsAt: string;
  status: "scheduled" | "open";
  remaining: number;
  perCustomerLimit: number;
}

export type SaleStatus = "scheduled" | "open" | "ended" | "cancelled";

export interface FlashSale {
  id: string;
  skuId: string;
  name: string;
  price: Money;
  quota: number;
  perCustomerLimit: number;
  shards: number;
  startsAt: string;
  endsAt: string;
  status: SaleStatus;
  remaining: number;
  reserved: number;
  sold: number;
  stocked: boolean;
  createdAt: string;
  cancelledAt: string | null;
  closedAt: string | null;
  shardLevels?: { shard: number; available: number; reserved: number; sold: number }[];
}

/** A shared credential (loop stock) with its seats. */
export interface AccountSeats {
  accountId: string;
  label: string;
  seats: number;
  used: number;
  reserved: number;
  sold: number;
}

export interface Product {
  id: string;
  name: string;
  kind: ProductKind;
  description: string | null;
  instructions: string | null;
  imageUrl?: string | null;
  listed: boolean;
  recharge?: RechargeTemplate | null;
  skus: Sku[];
  createdAt: string;
}

export type OrderStatus =
  | "awaiting_payment"
  | "payment_failed"
  | "expired"
  | "paid"
  | "on_hold"
  | "fulfilled"
  | "partially_refunded"
  | "refunded";

export interface OrderLine {
  id: string;
  skuId: string;
  productName: string;
  skuName: string;
  kind: ProductKind;
  quantity: number;
  /** What the line cost: a bundle component's share of its bundle line. */
  amount: Money;
  recipient?: string;
  renewal?: RenewalPlan;
  refundedAt: string | null;
}

export interface OrderItem extends OrderLine {
  unitPrice: Money;
  components?: OrderLine[];
}

export type SubscriptionStatus = "active" | "past_due" | "canceled" | "lapsed";

export interface Subscription {
  id: string;
  status: SubscriptionStatus;
  skuId: string;
  productName: string;
  skuName: string;
  quantity: number;
  price: Money;
  renewal: RenewalPlan;
  timeZone: string;
  currentPeriod: { index: number; start: string | null; end: string | null };
  nextRenewalAt: string | null;
  endsAt: string | null;
  paymentMethod: string | null;
  recipient: string | null;
  sourceOrderId: string;
  canceledAt: string | null;
  lapsedAt: string | null;
  createdAt: string | null;
}

export interface SubscriptionRenewal {
  period: number;
  orderId: string;
  status: "charging" | "failed" | "succeeded" | "lapsed" | "canceled";
  attempts?: number;
  nextAttemptAt?: string | null;
  lastFailure?: string | null;
  createdAt?: string | null;
}

export interface OrderSubscription extends Subscription {
  renewals: SubscriptionRenewal[];
}

export interface SubscriptionDetail extends Subscription {
  email: string;
  renewals: SubscriptionRenewal[];
  history: {
    id: string;
    kind: "renewed" | "payment_failed" | "lapsed" | "canceled";
    period: number;
    attempt: number;
    orderId: string | null;
    detail: Record<string, unknown> | null;
    at: string | null;
  }[];
}

export interface Order {
  id: string;
  status: OrderStatus;
  email: string;
  total: Money;
  items: OrderItem[];
  payment: { id: string; provider: string; status: string; checkoutUrl: string | null } | null;
  createdAt: string | null;
  expiresAt: string | null;
  paidAt: string | null;
  fulfilledAt: string | null;
  refundedAt: string | null;
  statusReason: string | null;
}

export interface Delivery {
  skuId: string;
  productName: string;
  code: string;
  secret?: string;
  instructions: string | null;
  /** Minted codes: what the code has left, as last recorded. */
  usage?: CodeUsage;
}

export interface CodeUsage {
  status: "active" | "redeemed" | "expired" | "voided";
  remainingUses: number;
  validUntil: string | null;
  balance?: Money;
  balanceTotal?: Money;
  activatedAt?: string | null;
  seats?: { total: number; used: number };
}

export interface ShopOrder extends Order {
  deliveries: Delivery[];
  subscriptions?: OrderSubscription[];
}

export interface CreatedOrder extends Order {
  accessToken: string;
}

export interface MaskedDelivery {
  id: string;
  skuId: string;
  codeId: string | null;
  codeMasked: string;
  createdAt: string | null;
}

export interface AdminOrder extends Order {
  deliveries: MaskedDelivery[];
}

export type Role = "owner" | "operator" | "finance" | "support";

export interface Staff {
  id: string;
  email: string;
  name: string;
  role: Role;
  merchantId: string;
  totpEnabled?: boolean;
}

export interface Me {
  staff: Staff;
  merchant: { id: string; slug: string; name: string; locale: string } | null;
  csrfToken: string;
}

export interface Redemption {
  id: string;
  codeId: string;
  skuId: string | null;
  orderId: string | null;
  partnerId: string | null;
  staffId?: string | null;
  status: "completed" | "reversed";
  location: string | null;
  /** Stored value: what the redemption spent; null for a use. */
  amount?: Money | null;
  createdAt: string;
  reversedAt: string | null;
}

export interface CodeState {
  status: "active" | "redeemed" | "expired" | "voided";
  remainingUses: number;
  /** Stored value: what is left. */
  balance?: Money;
}

export interface StoredValueUse {
  id: string;
  amount: Money;
  createdAt: string;
  reversedAt: string | null;
  location: string | null;
}

export interface Verification extends Omit<CodeState, "balance"> {
  valid: boolean;
  expiresAt: string | null;
  productName: string;
  form: "uses" | "balance" | "time" | "seats";
  balance?: { remaining: Money; total: Money };
  history?: StoredValueUse[];
  nextUseAt?: string | null;
  window?: {
    start: "activation" | "purchase";
    activatedAt: string | null;
    validUntil: string | null;
    weekdays: number[] | null;
    hours: { from: string; to: string } | null;
    timeZone: string;
    usableNow: boolean;
  };
  seats?: { total: number; used: number; devices: { deviceId: string; activatedAt: string }[] };
}

export interface StockLevel {
  skuId: string;
  productName: string;
  skuName: string;
  /** `shared_account` counts seats (loop stock). */
  kind?: "card_secret" | "shared_account";
  available: number;
  reserved: number;
  sold: number;
  lowStockThreshold: number | null;
  low: boolean;
}

export interface ImportReport {
  imported: number;
  duplicates: number;
  rejected: number;
  errors: { line: number; message: string }[];
}

export interface DayFigures {
  date: string;
  sales: Money;
  orders: number;
  redemptions: number;
}

export interface Dashboard {
  today: { sales: Money; orders: number; redemptions: number };
  week: { sales: Money; orders: number; redemptions: number };
  daily: DayFigures[];
  stockAlerts: {
    skuId: string;
    productName: string;
    skuName: string;
    available: number;
    lowStockThreshold: number | null;
  }[];
}

export interface Partner {
  id: string;
  name: string;
  createdAt: string;
  keys: { id: string; prefix: string; createdAt: string; revokedAt: string | null }[];
}

export interface StaffMember {
  id: string;
  email: string;
  name: string;
  role: Role;
  status?: "active" | "invited";
  totpEnabled: boolean;
  createdAt: string;
  invitedBy: string | null;
}

export interface AuditEntry {
  id: string;
  actor: string;
  actorEmail: string | null;
  action: string;
  target: string | null;
  detail: unknown;
  createdAt: string;
}

export interface Ticket {
  id: string;
  orderId: string;
  email: string;
  message: string;
  status: "open" | "closed";
  createdAt: string;
}

export interface ShopInfo {
  slug: string;
  name: string;
  locale: string;
}

export interface SandboxPayment {
  id: string;
  orderId: string;
  shop: string;
  status: string;
  amount: Money;
  /** The order starts a subscription: the card is kept for its renewals. */
  savesPaymentMethod?: boolean;
}

export type ChannelKind = "shop" | "mini_program" | "app" | "reseller";

export interface Channel {
  id: string;
  kind: ChannelKind;
  name: string;
  status: "active" | "suspended";
  publishableKey: string | null;
  contactEmail: string | null;
  balance: Money | null;
  createdAt: string;
  updatedAt: string;
  keys?: { id: string; prefix: string; createdAt: string; revokedAt: string | null }[];
}

export interface PriceListLine {
  skuId: string;
  productId: string;
  productName: string;
  skuName: string;
  kind: ProductKind;
  listed: boolean;
  listPrice: Money;
  price: Money | null;
  ownPrice: Money | null;
  inPriceList: boolean;
  quota: number | null;
  sold: number;
  remaining: number | null;
}

export interface BalanceEntry {
  id: string;
  kind: "top_up" | "order_debit" | "refund_credit";
  amount: Money;
  balanceAfter: Money;
  orderId: string | null;
  note: string | null;
  createdAt: string;
}

export interface ChannelWebhook {
  id: string;
  url: string;
  status: "active" | "removed";
  createdAt: string;
  deliveries: { pending: number; succeeded: number; failed: number };
}

export interface WebhookDelivery {
  id: string;
  url: string;
  eventType: "order.fulfilled" | "order.refunded";
  orderId: string;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** Units of one SKU per buyer identity inside the purchase window. */
export interface PurchaseLimits {
  perCustomer: number;
  perIp: number;
  perDevice: number;
}

/** `GET /v1/admin/risk/limits`: the merchant's synchronous risk limits. */
export interface RiskLimits {
  checkout: {
    attemptsPerMinute: { perCustomer: number; perIp: number; perDevice: number };
    purchaseWindowMinutes: number;
    purchases: PurchaseLimits;
    skuPurchases: Record<string, PurchaseLimits>;
    unpaidOrders: { perCustomer: number; perIp: number; perDevice: number };
    paymentFailures: {
      perCustomer: number;
      perIp: number;
      perDevice: number;
      perCard: number;
      windowMinutes: number;
      cooldownMinutes: number;
    };
  };
  lookups: {
    failuresPerPartnerKey: number;
    failuresPerIp: number;
    windowMinutes: number;
    lockoutMinutes: number;
    requestsPerMinutePerPartnerKey: number;
  };
}

export interface RiskLimitsView {
  limits: RiskLimits;
  defaults: RiskLimits;
  updatedAt: string | null;
}
