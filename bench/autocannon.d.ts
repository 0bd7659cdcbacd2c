// Minimal typing for the parts of autocannon 9 the benchmarks use (the package ships no types).
declare module "autocannon" {
  import type { EventEmitter } from "node:events";
  export type Req = { method?: string; path?: string; headers?: Record<string, string>; body?: string };
  type Options = {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    timeout?: number;
    requests?: { setupRequest?: (req: Req, context: unknown) => Req; method?: string; path?: string }[];
  };
  type Result = {
    requests: { total: number; average: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
  };
  type Instance = EventEmitter & PromiseLike<Result> & { stop: () => void };
  function autocannon(opts: Options): Instance;
  export default autocannon;
}
