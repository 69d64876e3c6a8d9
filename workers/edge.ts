import { createServiceContext } from "./context";
import { scheduleSubscriptions } from "./cron/subscriptions";
import { scheduleSupply } from "./cron/supply";
import { sweepOrders } from "./cron/sweep-orders";
import { type Env, loadConfig } from "./env";
import { buildApi } from "./http";
import { backoffSeconds } from "./queues/backoff";
import { consumeChannelWebhooks } from "./queues/channel-webhooks";
import { consumeEvents } from "./queues/events";
import { consumeFulfilment } from "./queues/fulfillment";
import { consumeRisk } from "./queues/risk";
import { consumeSupplier } from "./queues/supplier";
import { sweepChannelWebhooks } from "./services/channels/webhooks";
import { settleFlashSales } from "./services/flash-sales";

export { CodeLedger } from "./objects/code-ledger";
export { RateGate } from "./objects/rate-gate";
export { RedemptionKeys } from "./objects/redemption-keys";
export { StockKeeper } from "./objects/stock-keeper";
export { StockShard } from "./objects/stock-shard";
export { SupplierBreaker } from "./objects/supplier-breaker";

const api = buildApi();

export default {
  fetch: api.fetch,

  async queue(batch, env, ctx) {
    const services = createServiceContext(env, loadConfig(env), (p) => ctx.waitUntil(p), { queue: batch.queue });
    switch (batch.queue) {
      case "events":
        return consumeEvents(services, batch);
      case "fulfillment":
        return consumeFulfilment(services, batch);
      case "supplier":
        return consumeSupplier(services, batch);
      case "channel-webhooks":
        return consumeChannelWebhooks(services, batch);
      case "risk":
        return consumeRisk(services, batch);
      default:
        // A queue without a consumer (a dead-letter queue bound by mistake): retried, never dropped.
        services.log.warn("no consumer for queue", { messages: batch.messages.length });
        for (const message of batch.messages) message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  },

  async scheduled(controller, env, ctx) {
    const services = createServiceContext(env, loadConfig(env), (p) => ctx.waitUntil(p), { cron: controller.cron });
    const result = await sweepOrders(services, controller.scheduledTime);
    services.log.info("orders swept", result);
    services.log.info("supply scheduled", await scheduleSupply(services, controller.scheduledTime));
    services.log.info("channel webhooks swept", await sweepChannelWebhooks(services, controller.scheduledTime));
    services.log.info("flash sales settled", await settleFlashSales(services, controller.scheduledTime));
    services.log.info("subscriptions renewed", await scheduleSubscriptions(services, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
