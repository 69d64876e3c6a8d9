import type { Counts } from "./levels";

/** A unit as it leaves the keeper: encrypted by the Worker before it ever arrived here. */
export interface StockUnit {
  unitId: string;
  codeCiphertext: string;
  secretCiphertext: string | null;
}

/**
 * What a stock holds units in: card secrets one per buyer, or seats on shared accounts. The
 * reservations over it are the same either way (`Reservations`); every method runs inside the
 * caller's transaction and keeps the counts exact.
 */
export interface Pool {
  /** Whether `quantity` can be taken now, all or nothing. */
  canTake(quantity: number): boolean;
  take(orderId: string, quantity: number, status: "reserved" | "sold"): void;
  /** The order's reserved units become sold. */
  sell(orderId: string): void;
  /** The order's reserved units (and, when told, its sold ones) become available again; how many. */
  free(orderId: string, includeSold: boolean): number;
  /** What the order bought, in the order it was handed out. */
  unitsOf(orderId: string): StockUnit[];
  counts(): Counts;
}
