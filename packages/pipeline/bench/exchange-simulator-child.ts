// The exchange simulators of a bench in a process of their own, as the exchanges are in production:
// their request handling and series generation then do not take turns with the pipeline's event loop,
// which is what the bench measures. Started by `startSimulatorChild`; answers "counters" and "stop"
// over the IPC channel. The simulators themselves are the same (same options, same limits enforced).
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  startExchangeSimulator,
  type ExchangeCounters,
  type ExchangeSimulatorOptions,
  type SimulatedExchange,
} from "@cexdata/testkit";

/** The options that cross the process boundary (no functions): the market's present as a number. */
export type ChildSimulatorOptions = Omit<
  ExchangeSimulatorOptions,
  "nowMs" | "clockMs" | "faults" | "recorded"
> & {
  readonly nowMs: number;
};

export interface SimulatorChild {
  env(): Record<string, string>;
  /** The simulators' request accounting at the time of the call. */
  counters(): Promise<Record<SimulatedExchange, ExchangeCounters>>;
  stop(): Promise<void>;
}

type FromChild =
  | { readonly type: "ready"; readonly env: Record<string, string> }
  | { readonly type: "counters"; readonly counters: Record<SimulatedExchange, ExchangeCounters> };

export async function startSimulatorChild(opts: ChildSimulatorOptions): Promise<SimulatorChild> {
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(opts)], { stdio: "inherit" });
  const next = <T extends FromChild["type"]>(type: T) =>
    new Promise<Extract<FromChild, { type: T }>>((resolve, reject) => {
      const onMessage = (m: FromChild) => {
        if (m.type !== type) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(m as Extract<FromChild, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`simulator child exited (${code})`));
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  const { env } = await next("ready");
  return {
    env: () => env,
    counters: async () => {
      const answer = next("counters");
      child.send("counters");
      return (await answer).counters;
    },
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.send("stop");
      await exited;
    },
  };
}

if (process.send && process.argv[2]?.startsWith("{")) {
  const { nowMs, ...rest } = JSON.parse(process.argv[2]) as ChildSimulatorOptions;
  const sim = await startExchangeSimulator({ ...rest, nowMs: () => nowMs });
  process.on("message", (m: string) => {
    if (m === "counters") process.send!({ type: "counters", counters: sim.counters });
    else if (m === "stop") void sim.stop().then(() => process.exit(0));
  });
  process.send({ type: "ready", env: sim.env() });
}
