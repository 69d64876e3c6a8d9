import { registerAcceptInvitation } from "./admin/accept-invitation";
import { registerAddRiskListEntry } from "./admin/add-risk-list-entry";
import { registerApproveRiskReview } from "./admin/approve-risk-review";
import { registerCancelFlashSale } from "./admin/cancel-flash-sale";
import { registerCancelSubscription } from "./admin/cancel-subscription";
import { registerConfirmTotp } from "./admin/confirm-totp";
import { registerCreateChannel } from "./admin/create-channel";
import { registerCreateChannelKey } from "./admin/create-channel-key";
import { registerCreateChannelTopUp } from "./admin/create-channel-top-up";
import { registerCreateFlashSale } from "./admin/create-flash-sale";
import { registerCreatePartner } from "./admin/create-partner";
import { registerCreatePartnerKey } from "./admin/create-partner-key";
import { registerCreateProduct } from "./admin/create-product";
import { registerCreateSession } from "./admin/create-session";
import { registerCreateSku } from "./admin/create-sku";
import { registerCreateSupplier } from "./admin/create-supplier";
import { registerDeleteSession } from "./admin/delete-session";
import { registerDeleteTotp } from "./admin/delete-totp";
import { registerDeskDeactivation } from "./admin/desk-deactivation";
import { registerDeskRedemption } from "./admin/desk-redemption";
import { registerDeskVerification } from "./admin/desk-verification";
import { registerGetChannel } from "./admin/get-channel";
import { registerGetChannelPrices } from "./admin/get-channel-prices";
import { registerGetDashboard } from "./admin/get-dashboard";
import { registerGetFlashSale } from "./admin/get-flash-sale";
import { registerGetMe } from "./admin/get-me";
import { registerGetAdminOrder } from "./admin/get-order";
import { registerGetAdminProduct } from "./admin/get-product";
import { registerGetRiskLimits } from "./admin/get-risk-limits";
import { registerGetRiskSettings } from "./admin/get-risk-settings";
import { registerGetSkuSuppliers } from "./admin/get-sku-suppliers";
import { registerGetStock } from "./admin/get-stock";
import { registerGetSubscription } from "./admin/get-subscription";
import { registerGetSupplierHealth } from "./admin/get-supplier-health";
import { registerGetSupplierReconciliation } from "./admin/get-supplier-reconciliation";
import { registerImportStock } from "./admin/import-stock";
import { registerInviteStaff } from "./admin/invite-staff";
import { registerListAccounts } from "./admin/list-accounts";
import { registerListAudit } from "./admin/list-audit";
import { registerListChannelBalanceEntries } from "./admin/list-channel-balance-entries";
import { registerListChannelWebhookDeliveries } from "./admin/list-channel-webhook-deliveries";
import { registerListChannelWebhooks } from "./admin/list-channel-webhooks";
import { registerListChannels } from "./admin/list-channels";
import { registerListFlashSales } from "./admin/list-flash-sales";
import { registerListOrders } from "./admin/list-orders";
import { registerListPartners } from "./admin/list-partners";
import { registerListAdminProducts } from "./admin/list-products";
import { registerListRedemptionAlerts } from "./admin/list-redemption-alerts";
import { registerListRedemptions } from "./admin/list-redemptions";
import { registerListRiskDecisions } from "./admin/list-risk-decisions";
import { registerListRiskListEntries } from "./admin/list-risk-list-entries";
import { registerListRiskReviews } from "./admin/list-risk-reviews";
import { registerListStaff } from "./admin/list-staff";
import { registerListStock } from "./admin/list-stock";
import { registerListSubscriptions } from "./admin/list-subscriptions";
import { registerListSuppliers } from "./admin/list-suppliers";
import { registerListTickets } from "./admin/list-tickets";
import { registerRefundOrder } from "./admin/refund-order";
import { registerRefundOrderItem } from "./admin/refund-order-item";
import { registerRejectRiskReview } from "./admin/reject-risk-review";
import { registerRemoveRiskListEntry } from "./admin/remove-risk-list-entry";
import { registerRemoveStaff } from "./admin/remove-staff";
import { registerResendOrder } from "./admin/resend-order";
import { registerRevealDelivery } from "./admin/reveal-delivery";
import { registerAdminReverseRedemption } from "./admin/reverse-redemption";
import { registerRevokeApiKey } from "./admin/revoke-api-key";
import { registerRevokeChannelKey } from "./admin/revoke-channel-key";
import { registerSetBundleComponents } from "./admin/set-bundle-components";
import { registerSetSkuRenewal } from "./admin/set-sku-renewal";
import { registerSetSkuSuppliers } from "./admin/set-sku-suppliers";
import { registerStartTotp } from "./admin/start-totp";
import { registerSyncSupplier } from "./admin/sync-supplier";
import { registerUpdateChannel } from "./admin/update-channel";
import { registerUpdateChannelPrices } from "./admin/update-channel-prices";
import { registerUpdateProduct } from "./admin/update-product";
import { registerUpdateRiskLimits } from "./admin/update-risk-limits";
import { registerUpdateRiskSettings } from "./admin/update-risk-settings";
import { registerUpdateSku } from "./admin/update-sku";
import { registerUpdateStaff } from "./admin/update-staff";
import { registerUpdateTicket } from "./admin/update-ticket";
import { registerCreateChannelOrder } from "./channel/create-order";
import { registerCreateChannelWebhook } from "./channel/create-webhook";
import { registerDeleteChannelWebhook } from "./channel/delete-webhook";
import { registerGetChannelBalance } from "./channel/get-balance";
import { registerGetChannelCatalog } from "./channel/get-catalog";
import { registerGetChannelOrder } from "./channel/get-order";
import { registerListChannelBalanceEntriesForReseller } from "./channel/list-balance-entries";
import { registerListChannelOrders } from "./channel/list-orders";
import { registerListChannelWebhooksForReseller } from "./channel/list-webhooks";
import { registerCreateMerchant } from "./operator/create-merchant";
import { registerListSuppliersForReview } from "./operator/list-suppliers";
import { registerReviewSupplier } from "./operator/review-supplier";
import { registerSeedDemo } from "./operator/seed-demo";
import { registerCreateActivation } from "./partner/create-activation";
import { registerCreateDeactivation } from "./partner/create-deactivation";
import { registerCreateRedemption } from "./partner/create-redemption";
import { registerCreateVerification } from "./partner/create-verification";
import { registerReverseRedemption } from "./partner/reverse-redemption";
import { registerCompleteSandboxPayment } from "./sandbox/complete-payment";
import { registerGetSandboxPayment } from "./sandbox/get-payment";
import type { App } from "./shared";
import { registerCancelShopSubscription } from "./shop/cancel-subscription";
import { registerCreateOrder } from "./shop/create-order";
import { registerCreateOrderLookup } from "./shop/create-order-lookup";
import { registerCreateTicket } from "./shop/create-ticket";
import { registerGetShopOrder } from "./shop/get-order";
import { registerGetShopProduct } from "./shop/get-product";
import { registerGetShop } from "./shop/get-shop";
import { registerListShopProducts } from "./shop/list-products";
import { registerHealth } from "./system/health";
import { registerSandboxWebhook } from "./webhooks/sandbox-payment";
import { registerSupplierCallback } from "./webhooks/supplier-callback";

/** Every route, in one explicit list: grep here to find what the API serves. */
export const ROUTES: ((app: App) => void)[] = [
  registerHealth,
  registerCreateMerchant,
  registerSeedDemo,
  registerCreateSession,
  registerDeleteSession,
  registerGetMe,
  registerStartTotp,
  registerConfirmTotp,
  registerDeleteTotp,
  registerListStaff,
  registerInviteStaff,
  registerAcceptInvitation,
  registerUpdateStaff,
  registerRemoveStaff,
  registerListAudit,
  registerCreateProduct,
  registerListAdminProducts,
  registerGetAdminProduct,
  registerUpdateProduct,
  registerCreateSku,
  registerUpdateSku,
  registerImportStock,
  registerGetStock,
  registerListStock,
  registerListAccounts,
  registerCreateFlashSale,
  registerListFlashSales,
  registerGetFlashSale,
  registerCancelFlashSale,
  registerCreatePartner,
  registerListPartners,
  registerCreatePartnerKey,
  registerRevokeApiKey,
  registerListOrders,
  registerGetAdminOrder,
  registerRevealDelivery,
  registerRefundOrder,
  registerResendOrder,
  registerListRedemptions,
  registerAdminReverseRedemption,
  registerDeskVerification,
  registerDeskDeactivation,
  registerDeskRedemption,
  registerGetDashboard,
  registerListTickets,
  registerUpdateTicket,
  registerGetShop,
  registerListShopProducts,
  registerGetShopProduct,
  registerCreateOrder,
  registerGetShopOrder,
  registerCreateOrderLookup,
  registerCreateTicket,
  registerCreateVerification,
  registerCreateRedemption,
  registerCreateActivation,
  registerCreateDeactivation,
  registerReverseRedemption,
  registerSandboxWebhook,
  registerCompleteSandboxPayment,
  registerGetSandboxPayment,
  registerCreateSupplier,
  registerListSuppliers,
  registerGetSupplierHealth,
  registerSyncSupplier,
  registerGetSupplierReconciliation,
  registerSetSkuSuppliers,
  registerGetSkuSuppliers,
  registerListSuppliersForReview,
  registerReviewSupplier,
  registerSupplierCallback,
  registerCreateChannel,
  registerListChannels,
  registerGetChannel,
  registerUpdateChannel,
  registerGetChannelPrices,
  registerUpdateChannelPrices,
  registerGetRiskLimits,
  registerUpdateRiskLimits,
  registerCreateChannelKey,
  registerRevokeChannelKey,
  registerCreateChannelTopUp,
  registerListChannelBalanceEntries,
  registerListChannelWebhooks,
  registerListChannelWebhookDeliveries,
  registerGetChannelCatalog,
  registerCreateChannelOrder,
  registerListChannelOrders,
  registerGetChannelOrder,
  registerGetChannelBalance,
  registerListChannelBalanceEntriesForReseller,
  registerCreateChannelWebhook,
  registerListChannelWebhooksForReseller,
  registerDeleteChannelWebhook,
  registerSetBundleComponents,
  registerSetSkuRenewal,
  registerRefundOrderItem,
  registerListSubscriptions,
  registerGetSubscription,
  registerCancelSubscription,
  registerCancelShopSubscription,
  registerListRiskReviews,
  registerApproveRiskReview,
  registerRejectRiskReview,
  registerListRiskListEntries,
  registerAddRiskListEntry,
  registerRemoveRiskListEntry,
  registerGetRiskSettings,
  registerUpdateRiskSettings,
  registerListRiskDecisions,
  registerListRedemptionAlerts,
];
