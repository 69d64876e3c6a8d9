import fc from "fast-check";

type Knob = "FC_SEED" | "FC_SHRINK" | "STORM_SEED" | "SHOW_CASES" | "SHOW_PLACEMENTS";

/**
 * A knob for replaying or inspecting a run, from the command line. Inside workerd `process.env`
 * holds only the Worker's bindings, so each travels as a Vite variable (`VITE_FC_SEED=42`), and
 * Vite hands over only the ones a module names literally — hence this table.
 */
export function testSetting(name: Knob): string | undefined {
  const env = (import.meta as unknown as { env?: Record<string, string | undefined> }).env;
  const knobs: Record<Knob, string | undefined> = {
    FC_SEED: env?.VITE_FC_SEED,
    FC_SHRINK: env?.VITE_FC_SHRINK,
    STORM_SEED: env?.VITE_STORM_SEED,
    SHOW_CASES: env?.VITE_SHOW_CASES,
    SHOW_PLACEMENTS: env?.VITE_SHOW_PLACEMENTS,
  };
  return knobs[name];
}

/**
 * Runs a fast-check property with a seed that is always printed on failure (and can be set
 * with VITE_FC_SEED to replay one), so a red run in CI is reproducible on a laptop. Shrinking
 * replays against real Durable Objects and is slow, so it is off unless VITE_FC_SHRINK=1.
 */
export async function assertProperty(
  name: string,
  property: fc.IAsyncPropertyWithHooks<any> | fc.IAsyncProperty<any>,
  options: { numRuns: number },
): Promise<void> {
  const fixed = testSetting("FC_SEED");
  const seed = fixed ? Number(fixed) : Math.floor(Math.random() * 2 ** 31);
  try {
    await fc.assert(property, { numRuns: options.numRuns, seed, endOnFailure: testSetting("FC_SHRINK") !== "1" });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${name} failed — replay with VITE_FC_SEED=${seed} (and VITE_FC_SHRINK=1 to shrink)\n${message}`);
  }
}
