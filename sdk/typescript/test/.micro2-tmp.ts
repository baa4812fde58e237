import { XR2 } from "../src/index.ts";
const doc = { slug: "w", prompt_id: "pr_w", environment: "production" as const, version_id: "pv_1", version: 1, kind: "text" as const, content: "Hello {name}, welcome to {place}!", messages: null, variables: [{ name: "name", type: "string" as const, required: true }, { name: "place", type: "string" as const, required: true }], model_config: {}, published_at: "2026-12-06T09:00:00.000Z", experiment: null };
let bodies = 0;
const fetch = async (_url: string, init: { body?: string }) => { bodies += init.body?.length ?? 0; return { status: 202, headers: { get: () => null }, text: async () => "{}" }; };
const x = new XR2({ apiKey: "xr2_x", baseUrl: "http://127.0.0.1:9", fetch, bootstrap: { environment: "production", prompts: [doc] }, source: "bench", cacheTtlSeconds: 1e9 });
(x as any).cache.get("w").fromBootstrap = false; (x as any).cache.get("w").confirmedAt = Date.now();
const vars = { name: "Ada", place: "xR2" };
const q = (x as any).exposures;
const sample: number[] = [];
for (let round = 0; round < 5; round++) {
  let get = 0, ser = 0;
  for (let b = 0; b < 500; b++) {
    let t = performance.now();
    for (let i = 0; i < 99; i++) await x.getPrompt("w", { variables: vars });
    get += performance.now() - t;
    const items = q.items.splice(0);
    t = performance.now();
    q.body(items.map(q.options.serialize));
    ser += performance.now() - t;
  }
  console.log(`getPrompt (no batch send) ${(get * 1000 / 49500).toFixed(3)} µs; serialize per exposure ${(ser * 1000 / 49500).toFixed(3)} µs`);
}
q.cancelSchedule();
