// The part of autocannon's API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  export interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
    onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
  }
  export interface AutocannonOptions {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    pipelining?: number;
    timeout?: number;
    requests?: AutocannonRequest[];
  }
  export interface AutocannonResult {
    start: Date;
    finish: Date;
    duration: number;
    non2xx: number;
    errors: number;
    timeouts: number;
    requests: { average: number; total: number };
    /** Whole milliseconds (autocannon's histogram truncates): the bench takes its own percentiles (bench/load.ts). */
    latency: { p50: number; p99: number; max: number };
  }
  /** The run: its result, and (`on('response', …)`) each answer as it arrives, with its time in milliseconds. */
  export interface AutocannonRun extends PromiseLike<AutocannonResult> {
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
    ): this;
  }
  function autocannon(options: AutocannonOptions): AutocannonRun;
  export default autocannon;
}
