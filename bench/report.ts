// Writes what a benchmark run measured: docs/benchmarks.md (every figure as a
// ratio to the hello-world of the same round) and docs/benchmarks.svg (a bar
// chart of those ratios, log scale).
import os from 'node:os';
import type { Micro } from './hashing-designs.ts';
import type { Measurement } from './load.ts';

export interface CaseResult {
  readonly id: string;
  readonly label: string;
  /** req/s, or hashes/s for the bare argon2id ceiling. */
  readonly unit: string;
  readonly rounds: Measurement[];
}

export interface Ratio {
  readonly label: string;
  readonly perRound: number[];
  /** e.g. "≥ 10×"; `met` is judged on the median. */
  readonly goal?: string;
  readonly met?: boolean;
  readonly format?: 'times' | 'fraction';
}

export interface LoadSample {
  readonly when: string;
  readonly load: number[];
}

export interface RunReport {
  readonly date: Date;
  readonly command: string;
  readonly rounds: number;
  readonly cases: CaseResult[];
  readonly helloId: string;
  readonly ratios: Ratio[];
  readonly latencyChecks: Array<{ label: string; value: string; goal: string; met: boolean }>;
  readonly setup: string[];
  readonly notes: string[];
  readonly loads: LoadSample[];
  readonly micro: Micro[];
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Ratios below 0.1 get more digits, so small ones stay readable. */
function ratioText(value: number, format: Ratio['format'] = 'fraction'): string {
  if (format === 'times') return `${fmt(value, 2)}×`;
  return value >= 0.1 ? fmt(value, 3) : value.toPrecision(2);
}

export function toHello(report: RunReport, result: CaseResult): number[] {
  const hello = report.cases.find((c) => c.id === report.helloId);
  return result.rounds.map((m, i) => m.perSecond / (hello?.rounds[i]?.perSecond ?? Number.NaN));
}

export function machine(): Array<[string, string]> {
  return [
    ['nproc', String(os.availableParallelism())],
    ['CPU', os.cpus()[0]?.model.trim() ?? 'unknown'],
    ['memory', `${Math.round(os.totalmem() / 2 ** 30)} GiB`],
    ['node', process.version],
    ['OS', `${os.type()} ${os.release()} ${os.arch()}`],
  ];
}

export function markdown(report: RunReport): string {
  const caseRows = report.cases.map((c) => {
    const ratios = toHello(report, c);
    const latency =
      c.unit === 'req/s'
        ? `${fmt(median(c.rounds.map((m) => m.p50)), 1)} | ${fmt(median(c.rounds.map((m) => m.p99)), 1)}`
        : '— | —';
    return `| ${c.label} | ${fmt(median(c.rounds.map((m) => m.perSecond)))} | ${c.rounds.map((m) => fmt(m.perSecond, 0)).join(' / ')} | **${ratioText(median(ratios))}** | ${ratios.map((r) => ratioText(r)).join(' / ')} | ${latency} |`;
  });
  const ratioRows = report.ratios.map(
    (r) =>
      `| ${r.label} | **${ratioText(median(r.perRound), r.format)}** | ${r.perRound.map((v) => ratioText(v, r.format)).join(' / ')} | ${r.goal ?? ''} | ${r.met === undefined ? '' : r.met ? 'met' : '**not met**'} |`,
  );
  const latencyRows = report.latencyChecks.map(
    (l) => `| ${l.label} | ${l.value} | ${l.goal} | ${l.met ? 'met' : '**not met**'} |`,
  );
  const loads = report.loads.map((l) => `${l.when}: ${l.load.map((v) => v.toFixed(2)).join(', ')}`);
  return `# Benchmarks

Written by \`npm run bench\` (bench/run.ts) on ${report.date.toISOString().slice(0, 16).replace('T', ' ')} UTC; run it again to refresh
this page and [the chart](benchmarks.svg). **Only ratios within one run mean anything**: every figure below is
divided by the Fastify hello-world measured in the same round, on the same machine, at the same time.

![Each case as a fraction of the hello-world (log scale)](benchmarks.svg)

## The run

    ${report.command}

Rounds: ${report.rounds}, interleaved: every case runs once per round, in reverse order every other round, so slow
spells of the shared machine hit all cases alike. Medians over the rounds, per-round figures beside them.

## Machine

| | |
|---|---|
${machine()
  .map(([k, v]) => `| ${k} | ${v} |`)
  .join('\n')}
| load average (1, 5, 15 min) | ${loads.join('<br>')} |

The load generator, PostgreSQL, Redis and the proxy run on these same ${os.availableParallelism()} cores as the servers they
measure; load averages above the cores mean the cases also competed with other work on the machine. Hence only
same-round ratios are reported.

## Setup

${report.setup.map((s) => `- ${s}`).join('\n')}

## Figures

| case | per second (median) | per round | × hello-world (median) | × hello-world per round | p50 ms | p99 ms |
|---|---:|---|---:|---|---:|---:|
${caseRows.join('\n')}

Latencies are each 2xx answer's time as autocannon measured it (to a fraction of a millisecond; the bench takes the percentiles itself, as autocannon's own come in whole milliseconds), per round, at the run's connection count; medians over the rounds.

## Ratios and goals (issue 16)

| ratio (within each round) | median | per round | goal | |
|---|---:|---|---|---|
${ratioRows.join('\n')}

| latency | measured | goal | |
|---|---|---|---|
${latencyRows.join('\n')}

${report.notes.map((n) => `- ${n}`).join('\n')}
${cpuSection(report.cases)}${report.micro.length > 0 ? microSection(report.micro) : ''}`;
}

/** CPU per request of each process a case measured (bench/cpu.ts): medians over the rounds. */
function cpuSection(cases: CaseResult[]): string {
  const rows = cases.flatMap((c) => {
    const labels = Object.keys(c.rounds[0]?.cpuMs ?? {});
    if (labels.length === 0) return [];
    const cells = labels.map(
      (label) => `${label} ${fmt(median(c.rounds.map((m) => m.cpuMs?.[label] ?? Number.NaN)), 2)}`,
    );
    const total = median(c.rounds.map((m) => Object.values(m.cpuMs ?? {}).reduce((a, b) => a + b, 0)));
    return [`| ${c.label} | ${cells.join(', ')} | ${fmt(total, 2)} |`];
  });
  if (rows.length === 0) return '';
  return `
## CPU per request

Milliseconds of CPU (user + system, from /proc) each process spent per measured request, medians over the
rounds: the Latchkey instances, the PostgreSQL backends connected to the bench database, the whole Redis
server, the proxy. Unlike throughput, these barely depend on what else the shared machine runs.

| case | CPU ms per request, per process | total |
|---|---|---:|
${rows.join('\n')}
`;
}

function microSection(micro: Micro[]): string {
  return `
## Backup-code attempt cost, in process

Real @node-rs/argon2 with the parameters of src/infra/hashing.ts, one attempt at a time, wrong codes
(an attacker's guesses, and the classic design's worst case: it must try every stored code).

- **One argon2id + indexed lookup** (ADR 0001): argon2id(code, per-set salt, secret = pepper), then
  \`SELECT … WHERE set_id = ? AND code_hash = ? AND used_at IS NULL\` on an indexed SQLite table.
- **Classic**: each code stored as its own salted argon2id PHC string; an attempt runs argon2id verify
  against each stored code until one matches.

| design | stored codes | argon2id per wrong attempt | attempts/s | ms per attempt |
|---|---:|---:|---:|---:|
${micro
  .map(
    (r) =>
      `| ${r.design} | ${r.codes} | ${r.hashesPerAttempt} | ${fmt(r.attempts / r.seconds, 2)} | ${fmt((r.seconds * 1000) / r.attempts)} |`,
  )
  .join('\n')}

The one-hash design costs the same whatever the number of codes; the classic one grows linearly with it
(8 codes: 8 slow hashes per wrong attempt; 16 codes: 16), which also makes every failed attempt an
amplified load on the server.
`;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Horizontal bars, one per case: the median ratio to the hello-world, on a log axis from 0.0001 to 1. */
export function svg(report: RunReport): string {
  const rows = report.cases.map((c) => ({ label: c.label, value: median(toHello(report, c)) }));
  const labelWidth = 430;
  const plotWidth = 420;
  const rowHeight = 26;
  const top = 40;
  const height = top + rows.length * rowHeight + 40;
  const width = labelWidth + plotWidth + 90;
  const minLog = -4;
  const x = (value: number) =>
    labelWidth + ((Math.log10(Math.max(value, 10 ** minLog)) - minLog) / -minLog) * plotWidth;
  const ticks = [0.0001, 0.001, 0.01, 0.1, 1]
    .map(
      (t) =>
        `<line x1="${x(t)}" y1="${top - 6}" x2="${x(t)}" y2="${top + rows.length * rowHeight}" stroke="#ccc"/>` +
        `<text x="${x(t)}" y="${top - 10}" text-anchor="middle" font-size="11">${t}</text>`,
    )
    .join('');
  const bars = rows
    .map((row, i) => {
      const y = top + i * rowHeight;
      return (
        `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end" font-size="12">${escapeXml(row.label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 5}" width="${Math.max(1, x(row.value) - labelWidth)}" height="16" fill="${row.label.startsWith('better-auth') ? '#c77' : row.label.startsWith('Fastify') || row.label.startsWith('bare') ? '#999' : '#4a7ab5'}"/>` +
        `<text x="${x(row.value) + 5}" y="${y + 17}" font-size="11">${ratioText(row.value)}</text>`
      );
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<title>Requests per second as a fraction of the Fastify hello-world in the same round (median of ${report.rounds} rounds, log scale), ${report.date.toISOString().slice(0, 10)}</title>
<rect width="100%" height="100%" fill="#fff"/>
<text x="${labelWidth}" y="16" font-size="13" font-weight="bold">× hello-world, same round (log scale)</text>
${ticks}
${bars}
<text x="8" y="${height - 12}" font-size="11" fill="#555">npm run bench, ${report.date.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.availableParallelism()} cores shared with other work; see docs/benchmarks.md</text>
</svg>
`;
}
