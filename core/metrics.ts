// Prometheus metrics (prom-client). One registry per process, created by the composition root
// and handed to the stages that count things; no global default registry.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { heapMemory, type HeapMemory } from './memory-usage.ts';

export interface Metrics {
  readonly registry: Registry;
  readonly smtpAccepted: Counter<'transport'>;
  readonly smtpRefused: Counter<'code' | 'reason'>;
  readonly analysisDuration: Histogram<'outcome'>;
  readonly apiPulls: Counter<'format'>;
  readonly queueDepth: Gauge<'status'>;
  readonly threadMemory: Gauge<'thread' | 'kind'>;
}

export interface MetricsOptions {
  /** Called on each scrape to read the job queue depth per status. */
  readonly queueDepth?: () => Promise<Readonly<Record<string, number>>>;
  readonly defaultMetrics?: boolean;
  /** Called on each scrape: the heap figures of the process's other threads by name (null: not running). */
  readonly threadMemory?: () => Promise<Readonly<Record<string, HeapMemory | null>>>;
}

const MEMORY_KINDS = { heap_total: 'heapTotal', heap_used: 'heapUsed', external: 'external', array_buffers: 'arrayBuffers' } as const;

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'c4tap_' });
  const readDepth = options.queueDepth;
  const readThreads = options.threadMemory;
  return {
    registry,
    smtpAccepted: new Counter({
      name: 'c4tap_smtp_messages_accepted_total',
      help: 'Messages accepted durably (answered 250)',
      labelNames: ['transport'] as const,
      registers: [registry],
    }),
    smtpRefused: new Counter({
      name: 'c4tap_smtp_messages_refused_total',
      help: 'SMTP transactions refused, by reply code and reason',
      labelNames: ['code', 'reason'] as const,
      registers: [registry],
    }),
    analysisDuration: new Histogram({
      name: 'c4tap_analysis_duration_seconds',
      help: 'Time to analyse one submission',
      labelNames: ['outcome'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    apiPulls: new Counter({
      name: 'c4tap_api_pulls_total',
      help: 'Indicator pulls served, by format',
      labelNames: ['format'] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'c4tap_jobs',
      help: 'Analysis jobs by status',
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        if (!readDepth) return;
        const depth = await readDepth();
        for (const [status, n] of Object.entries(depth)) this.set({ status }, n);
      },
    }),
    threadMemory: new Gauge({
      name: 'c4tap_thread_memory_bytes',
      help: 'JavaScript memory per thread of this process (main, sqlite-writer): heap_total, heap_used, external (array_buffers included)',
      labelNames: ['thread', 'kind'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const threads: Record<string, HeapMemory | null> = { main: heapMemory(), ...(readThreads ? await readThreads() : {}) };
        for (const [thread, usage] of Object.entries(threads)) {
          if (!usage) continue;
          for (const [kind, key] of Object.entries(MEMORY_KINDS)) this.set({ thread, kind }, usage[key]);
        }
      },
    }),
  };
}
