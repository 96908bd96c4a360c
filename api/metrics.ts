/**
 * Prometheus metrics in the text exposition format (version 0.0.4), written by hand: a few
 * counters and histograms do not justify a client library.
 *
 * HTTP latency is observed by a middleware; operation counts and engine run durations are fed
 * by the control plane's progress events; queue depth is read from the control plane at scrape.
 */
import type { ControlPlaneApi } from '../infra/control-plane-api.ts';
import type { ProgressEvent } from '../infra/events/model.ts';
import type { Operation } from '../infra/operations/model.ts';

type Labels = Record<string, string>;

/** Seconds. HTTP requests are mostly milliseconds; SSE streams and slow stores reach seconds. */
export const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds. Engine runs take from seconds (sandbox) to tens of minutes (a database replica). */
export const ENGINE_BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];

interface Series {
  labels: Labels;
  counts: number[];
  sum: number;
  count: number;
}

class Histogram {
  readonly #series = new Map<string, Series>();
  readonly name: string;
  readonly help: string;
  readonly buckets: readonly number[];

  constructor(name: string, help: string, buckets: readonly number[]) {
    this.name = name;
    this.help = help;
    this.buckets = buckets;
  }

  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    this.buckets.forEach((bound, i) => {
      if (value <= bound) series.counts[i] = (series.counts[i] ?? 0) + 1;
    });
    series.sum += value;
    series.count += 1;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const series of this.#series.values()) {
      this.buckets.forEach((bound, i) => {
        const labels = { ...series.labels, le: String(bound) };
        lines.push(`${this.name}_bucket${formatLabels(labels)} ${series.counts[i] ?? 0}`);
      });
      const inf = { ...series.labels, le: '+Inf' };
      lines.push(`${this.name}_bucket${formatLabels(inf)} ${series.count}`);
      lines.push(`${this.name}_sum${formatLabels(series.labels)} ${series.sum}`);
      lines.push(`${this.name}_count${formatLabels(series.labels)} ${series.count}`);
    }
    return lines;
  }
}

class Counter {
  readonly #values = new Map<string, { labels: Labels; value: number }>();
  readonly name: string;
  readonly help: string;

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  inc(labels: Labels, by = 1): void {
    const key = labelKey(labels);
    const entry = this.#values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    this.#values.set(key, entry);
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.#values.values()) {
      lines.push(`${this.name}${formatLabels(labels)} ${value}`);
    }
    return lines;
  }
}

export class ApiMetrics {
  readonly httpDuration = new Histogram(
    'blkshp_http_request_duration_seconds',
    'HTTP request duration by route pattern, method and status.',
    HTTP_BUCKETS,
  );
  readonly engineDuration = new Histogram(
    'blkshp_engine_run_duration_seconds',
    'Engine run duration of finished operations by kind and status.',
    ENGINE_BUCKETS,
  );
  readonly operationsFinished = new Counter(
    'blkshp_operations_finished_total',
    'Operations finished since this process started, by kind and status.',
  );
  readonly #followed = new WeakSet<ControlPlaneApi>();

  observeHttp(route: string, method: string, status: number, seconds: number): void {
    this.httpDuration.observe({ route, method, status: String(status) }, seconds);
  }

  observeFinished(operation: Operation): void {
    const labels = { kind: operation.kind, status: operation.status };
    this.operationsFinished.inc(labels);
    if (operation.startedAt === null || operation.finishedAt === null) return;
    const seconds = (Date.parse(operation.finishedAt) - Date.parse(operation.startedAt)) / 1000;
    if (Number.isFinite(seconds) && seconds >= 0) this.engineDuration.observe(labels, seconds);
  }

  /**
   * Counts every operation the control plane finishes from now on. Safe to call more than once
   * with the same control plane; the subscription lives as long as the control plane does.
   */
  follow(controlPlane: ControlPlaneApi): void {
    if (this.#followed.has(controlPlane)) return;
    this.#followed.add(controlPlane);
    controlPlane.subscribe((event: ProgressEvent) => {
      if (event.type === 'finished') this.observeFinished(event.operation);
    });
  }

  /** The whole exposition; asks the control plane for what is queued and running right now. */
  async render(controlPlane: ControlPlaneApi): Promise<string> {
    const [queued, running] = await Promise.all([
      controlPlane.listOperations({ status: 'queued' }),
      controlPlane.listOperations({ status: 'running' }),
    ]);
    const lines = [
      '# HELP blkshp_queue_depth Operations waiting for their turn.',
      '# TYPE blkshp_queue_depth gauge',
      `blkshp_queue_depth ${queued.length}`,
      '# HELP blkshp_operations Operations queued or running now, by kind and status.',
      '# TYPE blkshp_operations gauge',
      ...activeGauge([...queued, ...running]),
      ...this.operationsFinished.render(),
      ...this.engineDuration.render(),
      ...this.httpDuration.render(),
    ];
    return `${lines.join('\n')}\n`;
  }
}

export function createApiMetrics(): ApiMetrics {
  return new ApiMetrics();
}

function activeGauge(operations: Operation[]): string[] {
  const counts = new Map<string, { labels: Labels; value: number }>();
  for (const op of operations) {
    const labels = { kind: op.kind, status: op.status };
    const key = labelKey(labels);
    const entry = counts.get(key) ?? { labels, value: 0 };
    entry.value += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].map((e) => `blkshp_operations${formatLabels(e.labels)} ${e.value}`);
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** Backslash, double quote and newline are the three characters the format escapes. */
function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}
