/**
 * A linearizability checker in the style of Wing & Gong (with Lowe's memoization): it searches
 * for a serial order of a concurrent history that (a) respects real time — an operation that
 * returned before another was invoked comes first — and (b) is accepted, response by response,
 * by a sequential model. Pure TypeScript, no I/O, so it runs anywhere and is tested on
 * hand-made histories.
 */

export interface Operation<I, O> {
  /** Any label, for reports. */
  id: number | string;
  /** When the client invoked it, and when the response arrived (any monotonic clock; ret > call). */
  call: number;
  ret: number;
  input: I;
  output: O;
}

export interface SequentialModel<S, I, O> {
  init: S;
  /**
   * Applies `input` to `state` and returns the next state if `output` is a response the
   * specification could give from `state`, or null when it could not.
   */
  step(state: S, input: I, output: O): S | null;
  /** A canonical string for a state: equal states must give equal keys. */
  key(state: S): string;
}

export type CheckResult<I, O, S = unknown> =
  | { ok: true; order: Operation<I, O>[]; final: S; explored: number }
  | {
      ok: false;
      /** The search ran out of budget: no verdict. */
      inconclusive: boolean;
      explored: number;
      /** The longest serial prefix found that explains the responses it covers. */
      longestPrefix: Operation<I, O>[];
      /** The operations that could have come next after that prefix, none of which the model accepts. */
      stuckAt: Operation<I, O>[];
    };

interface Frame<S> {
  state: S;
  /** Candidates still to try at this depth, as indexes into the sorted history. */
  untried: number[];
  /** The operation taken to reach this frame (-1 for the root). */
  via: number;
}

/**
 * Returns a witness serial order when the history is linearizable. Operations that leave the
 * state unchanged (reads, refusals) are placed as soon as the model accepts them: when such an
 * operation could go next, putting it first never rules out an order that would otherwise
 * exist, so the search only branches on operations that change the state.
 */
export function checkLinearizable<S, I, O>(
  history: readonly Operation<I, O>[],
  model: SequentialModel<S, I, O>,
  options: { maxExplored?: number } = {},
): CheckResult<I, O, S> {
  const maxExplored = options.maxExplored ?? 2_000_000;
  for (const op of history) {
    if (!(op.ret > op.call)) throw new Error(`operation ${op.id} returns (${op.ret}) before it is called (${op.call})`);
  }
  const ops = [...history].sort((a, b) => a.call - b.call);
  const n = ops.length;
  const done = new Uint8Array(n);
  const words = new Uint32Array(Math.ceil(n / 32));
  const seen = new Set<string>();
  const path: number[] = [];
  let explored = 0;
  let longest: number[] = [];

  const mark = (i: number, on: boolean) => {
    done[i] = on ? 1 : 0;
    const word = i >>> 5;
    words[word] = on ? (words[word] ?? 0) | (1 << (i & 31)) : (words[word] ?? 0) & ~(1 << (i & 31));
  };
  const memoKey = (state: S) => `${words.join(",")}|${model.key(state)}`;

  /** Operations that may come next: invoked before every remaining operation's response. */
  const candidates = (): number[] => {
    let minRet = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) if (!done[i]) minRet = Math.min(minRet, (ops[i] as Operation<I, O>).ret);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      if (done[i]) continue;
      const op = ops[i] as Operation<I, O>;
      if (op.call > minRet) break; // sorted by call: nothing later can go next either
      out.push(i);
    }
    return out;
  };

  /** Takes every state-preserving operation the model accepts now; returns how many were taken. */
  const takeReads = (state: S): number => {
    const stateKey = model.key(state);
    let taken = 0;
    for (let progress = true; progress; ) {
      progress = false;
      for (const i of candidates()) {
        const op = ops[i] as Operation<I, O>;
        const next = model.step(state, op.input, op.output);
        if (next !== null && model.key(next) === stateKey) {
          mark(i, true);
          path.push(i);
          taken++;
          progress = true;
          break;
        }
      }
    }
    return taken;
  };

  const stack: (Frame<S> & { reads: number })[] = [];
  const enter = (state: S, via: number) => {
    const reads = takeReads(state);
    if (path.length > longest.length) longest = [...path];
    stack.push({ state, untried: path.length === n ? [] : candidates(), via, reads });
  };
  const leave = () => {
    const frame = stack.pop() as Frame<S> & { reads: number };
    for (let r = 0; r < frame.reads; r++) mark(path.pop() as number, false);
    if (frame.via >= 0) mark(path.pop() as number, false);
  };

  enter(model.init, -1);
  while (stack.length > 0) {
    if (path.length === n) {
      const final = (stack.at(-1) as Frame<S>).state;
      return { ok: true, order: path.map((i) => ops[i] as Operation<I, O>), final, explored };
    }
    if (explored > maxExplored) break;
    const frame = stack.at(-1) as Frame<S> & { reads: number };
    const i = frame.untried.shift();
    if (i === undefined) {
      leave();
      continue;
    }
    const op = ops[i] as Operation<I, O>;
    const next = model.step(frame.state, op.input, op.output);
    explored++;
    if (next === null) continue;
    mark(i, true);
    path.push(i);
    const key = memoKey(next);
    if (seen.has(key)) {
      mark(path.pop() as number, false);
      continue;
    }
    seen.add(key);
    enter(next, i);
  }

  // Rebuild the stuck point for the report: after the longest prefix, which ops could go next.
  done.fill(0);
  words.fill(0);
  for (const i of longest) mark(i, true);
  return {
    ok: false,
    inconclusive: explored > maxExplored,
    explored,
    longestPrefix: longest.map((i) => ops[i] as Operation<I, O>),
    stuckAt: candidates().map((i) => ops[i] as Operation<I, O>),
  };
}

/** A readable account of a failed check, for assertion messages. */
export function describeFailure<I, O>(
  result: Extract<CheckResult<I, O>, { ok: false }>,
  show: (op: Operation<I, O>) => string = (op) => JSON.stringify(op),
): string {
  const tail = result.longestPrefix.slice(-8).map(show);
  return [
    result.inconclusive ? "inconclusive: search budget exhausted" : "not linearizable",
    `explained ${result.longestPrefix.length} operations in a serial order (last ones: ${tail.length ? "" : "none"})`,
    ...tail.map((line) => `  ${line}`),
    "none of these could come next:",
    ...result.stuckAt.map((op) => `  ${show(op)}`),
  ].join("\n");
}
