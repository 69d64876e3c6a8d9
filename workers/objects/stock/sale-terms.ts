/** What every shard of a flash sale knows about it: set once, by the first transfer it receives. */
export interface SaleTerms {
  saleId: string;
  merchantId: string;
  skuId: string;
  shards: number;
  perCustomerLimit: number;
  startsAt: number;
  endsAt: number;
  /** Minted goods (vouchers): a unit is a slot, the code is minted at fulfilment. */
  minted: boolean;
}

export type SaleRefusal = "sale_not_started" | "sale_ended" | "sale_sold_out" | "sale_limit_exceeded";

/** Units one transfer carries at most: its JSON must stay well under SQLite's 2 MB per value. */
export const MAX_TRANSFER_UNITS = 2_000;

/** The name of a sale's shard in the StockShard namespace. */
export const shardName = (saleId: string, shard: number) => `${saleId}:${shard}`;
