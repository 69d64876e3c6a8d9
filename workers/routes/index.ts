import { registerCreatePartner } from "./admin/create-partner";
import { registerCreateProduct } from "./admin/create-product";
import { registerCreateSession } from "./admin/create-session";
import { registerDeleteSession } from "./admin/delete-session";
import { registerGetAdminOrder } from "./admin/get-order";
import { registerGetStock } from "./admin/get-stock";
import { registerImportStock } from "./admin/import-stock";
import { registerListOrders } from "./admin/list-orders";
import { registerListAdminProducts } from "./admin/list-products";
import { registerListRedemptions } from "./admin/list-redemptions";
import { registerCreateMerchant } from "./operator/create-merchant";
import { registerSeedDemo } from "./operator/seed-demo";
import { registerCreateRedemption } from "./partner/create-redemption";
import { registerCreateVerification } from "./partner/create-verification";
import { registerReverseRedemption } from "./partner/reverse-redemption";
import { registerCompleteSandboxPayment } from "./sandbox/complete-payment";
import { registerGetSandboxPayment } from "./sandbox/get-payment";
import type { App } from "./shared";
import { registerCreateOrder } from "./shop/create-order";
import { registerGetShopOrder } from "./shop/get-order";
import { registerListShopProducts } from "./shop/list-products";
import { registerHealth } from "./system/health";
import { registerSandboxWebhook } from "./webhooks/sandbox-payment";

/** Every route, in one explicit list: grep here to find what the API serves. */
export const ROUTES: ((app: App) => void)[] = [
  registerHealth,
  registerCreateMerchant,
  registerSeedDemo,
  registerCreateSession,
  registerDeleteSession,
  registerCreateProduct,
  registerListAdminProducts,
  registerImportStock,
  registerGetStock,
  registerCreatePartner,
  registerListOrders,
  registerGetAdminOrder,
  registerListRedemptions,
  registerListShopProducts,
  registerCreateOrder,
  registerGetShopOrder,
  registerCreateVerification,
  registerCreateRedemption,
  registerReverseRedemption,
  registerSandboxWebhook,
  registerCompleteSandboxPayment,
  registerGetSandboxPayment,
];
