import { describe, expect, it } from "vitest";
import { backoffDelayMs, isRetryableStatus, parseRetryAfter, retrying, type RetryPolicy } from "./index.js";

const policy: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  maxWaitMs: 5_000,
  jitter: "none",
};

class Flaky extends Error {
  override readonly name = "Flaky";
  constructor(readonly retryAfterMs?: number) {
    super("flaky");
  }
}

/** A request failing `failures` times, then answering; the waits it was made to sit through. */
function flaky(failures: number, retryAfterMs?: number) {
  const waits: number[] = [];
  let calls = 0;
  const run = () =>
    retrying(
      async () => {
        calls += 1;
        if (calls <= failures) throw new Flaky(retryAfterMs);
        return "answer";
      },
      {
        policy,
        sleep: async (ms) => void waits.push(ms),
        classify: (e) =>
          e instanceof Flaky ? { retry: true, waitAtLeastMs: e.retryAfterMs } : { retry: false },
      },
    );
  return { run, waits, calls: () => calls };
}

describe("the one retry policy", () => {
  it("backs off exponentially up to the cap, and answers once the server does", async () => {
    const f = flaky(3);
    await expect(f.run()).resolves.toBe("answer");
    expect(f.waits).toEqual([100, 200, 400]);
    expect(backoffDelayMs(policy, 10)).toBe(1_000);
  });

  it("never waits less than the server's Retry-After", async () => {
    const f = flaky(1, 3_000);
    await f.run();
    expect(f.waits).toEqual([3_000]);
  });

  it("gives up after its attempts with the last failure, and at once on what is not retryable", async () => {
    const f = flaky(10);
    await expect(f.run()).rejects.toBeInstanceOf(Flaky);
    expect(f.calls()).toBe(4);
    let calls = 0;
    const final = retrying(
      async () => {
        calls += 1;
        throw new TypeError("bad symbol");
      },
      { policy, classify: () => ({ retry: false }) },
    );
    await expect(final).rejects.toThrow("bad symbol");
    expect(calls).toBe(1);
  });

  it("refuses a Retry-After longer than it waits, unless told to cut it", async () => {
    await expect(flaky(1, 60_000).run()).rejects.toBeInstanceOf(Flaky);
    const waits: number[] = [];
    let calls = 0;
    await retrying(
      async () => {
        if (++calls === 1) throw new Flaky(60_000);
        return calls;
      },
      {
        policy: { ...policy, capWaits: true },
        sleep: async (ms) => void waits.push(ms),
        classify: (e) => ({ retry: true, waitAtLeastMs: (e as Flaky).retryAfterMs }),
      },
    );
    expect(waits).toEqual([5_000]);
  });

  it("reads Retry-After as seconds or an HTTP date, and knows which statuses to ask again", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseRetryAfter("2", now)).toBe(2_000);
    expect(parseRetryAfter(new Date(now + 7_000).toUTCString(), now)).toBe(7_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect([408, 429, 500, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 418].some(isRetryableStatus)).toBe(false);
  });
});
