import { z } from "@hono/zod-openapi";
import { CODE_FORMS, isHourMinute, isTimeZone, TIME_STARTS } from "@tessera/domain";
import { MoneySchema } from "./shared";

/** Schemas of the product forms: a SKU's terms, and what verification shows of each form. */

const HourMinute = z.string().refine(isHourMinute, "HH:MM, 00:00 to 23:59").openapi({ example: "09:00" });

export const TermsSchema = z
  .discriminatedUnion("form", [
    z
      .object({
        form: z.literal("uses"),
        minIntervalSeconds: z
          .number()
          .int()
          .min(1)
          .max(31_536_000)
          .nullable()
          .openapi({ description: "Seconds that must pass between two uses of a count card; null for none" }),
      })
      .openapi({ title: "Count card (voucher)" }),
    z
      .object({
        form: z.literal("balance"),
        balance: z
          .number()
          .int()
          .min(1)
          .max(100_000_000)
          .openapi({ description: "The value loaded on each code, in minor units of the SKU's currency" }),
      })
      .openapi({ title: "Stored value" }),
    z
      .object({
        form: z.literal("time"),
        durationSeconds: z
          .number()
          .int()
          .min(60)
          .max(3650 * 86_400)
          .openapi({ description: "How long the card is valid once its window starts" }),
        start: z.enum(TIME_STARTS).openapi({
          description: "`activation`: the window starts at the first use; `purchase`: at issuance",
        }),
        weekdays: z
          .array(z.number().int().min(1).max(7))
          .min(1)
          .max(7)
          .nullable()
          .openapi({ description: "ISO weekdays it may be used on (1 = Monday … 7 = Sunday); null for every day" }),
        hours: z.object({ from: HourMinute, to: HourMinute }).nullable().openapi({
          description:
            "Local hours it may be used in, `from` included, `to` excluded; `to` before `from` runs past midnight",
        }),
        timeZone: z.string().max(64).refine(isTimeZone, "an IANA time zone such as Asia/Shanghai").openapi({
          description: "The merchant's clock the weekdays and hours are read on",
          example: "Asia/Shanghai",
        }),
      })
      .openapi({ title: "Time card" }),
    z
      .object({
        form: z.literal("seats"),
        seats: z
          .number()
          .int()
          .min(1)
          .max(1_000)
          .openapi({ description: "Devices that may hold an activation at once" }),
      })
      .openapi({ title: "Licence key" }),
  ])
  .openapi("CodeTerms", {
    description:
      "The product form's terms, one per kind: `uses` (vouchers, optional), `balance` (stored_value), `time` (time_card), `seats` (licence)",
  });

export const CodeUsageSchema = z
  .object({
    status: z.enum(["active", "redeemed", "expired", "voided"]),
    remainingUses: z.number().int(),
    validUntil: z
      .string()
      .nullable()
      .openapi({ description: "When the code stops working; a time card counted from first use has none until then" }),
    balance: MoneySchema.optional().openapi({ description: "Stored value: what is left to spend" }),
    balanceTotal: MoneySchema.optional().openapi({ description: "Stored value: what was loaded" }),
    activatedAt: z.string().nullable().optional().openapi({ description: "Time cards: the first use, if any" }),
    seats: z
      .object({ total: z.number().int(), used: z.number().int() })
      .optional()
      .openapi({ description: "Licences: devices that may hold an activation, and how many do" }),
  })
  .openapi("CodeUsage");

/** A device id as the partner's app reports it: opaque, bounded, printable. */
export const DeviceIdInput = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, "visible ASCII only")
  .openapi({ example: "MAC-3C:22:FB:90:1A:07" });

const StoredValueUse = z.object({
  id: z.string(),
  amount: MoneySchema,
  createdAt: z.string(),
  reversedAt: z.string().nullable(),
  location: z.string().nullable(),
});

/** What verification adds for each form, beside the uses every code has. */
export const FormStateSchema = z.object({
  form: z.enum(CODE_FORMS).openapi({
    description: "`uses` (vouchers, count cards), `balance` (stored value), `time` (time cards), `seats` (licences)",
  }),
  balance: z
    .object({ remaining: MoneySchema, total: MoneySchema })
    .optional()
    .openapi({ description: "Stored value: what is left and what was loaded" }),
  history: z
    .array(StoredValueUse)
    .optional()
    .openapi({ description: "Stored value: its redemptions, newest first (the latest 50)" }),
  nextUseAt: z.string().nullable().optional().openapi({
    description: "Count cards with a minimum interval: the earliest next use; null when it may be used now",
  }),
  window: z
    .object({
      start: z.enum(TIME_STARTS),
      activatedAt: z.string().nullable(),
      validUntil: z.string().nullable(),
      weekdays: z.array(z.number().int()).nullable(),
      hours: z.object({ from: z.string(), to: z.string() }).nullable(),
      timeZone: z.string(),
      usableNow: z.boolean().openapi({ description: "Whether this weekday and hour are allowed right now" }),
    })
    .optional()
    .openapi({ description: "Time cards: the validity window and when it may be used" }),
  seats: z
    .object({
      total: z.number().int(),
      used: z.number().int(),
      devices: z.array(z.object({ deviceId: z.string(), activatedAt: z.string() })),
      deviceHoldsSeat: z
        .boolean()
        .optional()
        .openapi({ description: "With `deviceId` in the request: whether that device holds an activation" }),
    })
    .optional()
    .openapi({ description: "Licences: seats, and the devices holding them" }),
});

export const SeatsSchema = z.object({ total: z.number().int(), used: z.number().int() });

export const ActivationSchema = z
  .object({
    deviceId: z.string(),
    activatedAt: z.string(),
    seats: SeatsSchema,
  })
  .openapi("Activation");

export const DeactivationSchema = z
  .object({
    deviceId: z.string(),
    deactivatedAt: z.string(),
    seats: SeatsSchema,
  })
  .openapi("Deactivation");
