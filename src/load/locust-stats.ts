/**
 * Reads Locust's `<prefix>_stats.csv` (one row per request name, plus the
 * `Aggregated` row) into a typed summary.
 */
import { LoadRunError } from './load-errors';

/** The statistics of one request name (a workflow) or of all requests. */
export interface RequestStats {
  /** The request name (the workflow), or `Aggregated`. */
  readonly name: string;
  /** Requests sent (answered or not). */
  readonly requests: number;
  /** Requests that failed (not HTTP 200, or an unsuccessful activation). */
  readonly failures: number;
  /** Median response time, ms (0 without requests). */
  readonly medianMs: number;
  /** 95th-percentile response time, ms (`null` without requests: Locust writes N/A). */
  readonly p95Ms: number | null;
  /** Mean response time, ms. */
  readonly averageMs: number;
  /** Longest response time, ms. */
  readonly maxMs: number;
  /** Requests per second over the run. */
  readonly requestsPerS: number;
}

/** The summary of a run. */
export interface LoadSummary {
  /** One entry per request name, in the file's order (Locust sorts them by name). */
  readonly workflows: readonly RequestStats[];
  readonly aggregated: RequestStats;
}

/** Splits CSV text into rows of fields (RFC 4180: quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Column names of Locust's stats CSV that the summary reads. */
const COLUMNS = {
  name: 'Name',
  requests: 'Request Count',
  failures: 'Failure Count',
  median: 'Median Response Time',
  average: 'Average Response Time',
  max: 'Max Response Time',
  rps: 'Requests/s',
  p95: '95%',
};

/**
 * Parses the text of a `<prefix>_stats.csv`.
 *
 * @param file the file's path, for messages
 * @throws LoadRunError when a column or the `Aggregated` row is missing, or a number does not parse
 */
export function parseLocustStats(text: string, file: string): LoadSummary {
  const rows = parseCsv(text).filter((r) => !(r.length === 1 && r[0] === ''));
  const header = rows[0];
  if (header === undefined) throw new LoadRunError(`${file}: empty (locust wrote no statistics)`);
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new LoadRunError(`${file}:1: no "${name}" column in the header ${JSON.stringify(header.join(','))}`);
    return i;
  };
  const idx = {
    name: col(COLUMNS.name),
    requests: col(COLUMNS.requests),
    failures: col(COLUMNS.failures),
    median: col(COLUMNS.median),
    average: col(COLUMNS.average),
    max: col(COLUMNS.max),
    rps: col(COLUMNS.rps),
    p95: col(COLUMNS.p95),
  };
  const entries = rows.slice(1).map((r, k): RequestStats => {
    const line = k + 2;
    const num = (i: number, what: string): number => {
      const cell = r[i] ?? '';
      const n = Number(cell);
      if (cell === '' || !Number.isFinite(n)) throw new LoadRunError(`${file}:${line}: ${what} is not a number: ${JSON.stringify(cell)}`);
      return n;
    };
    const p95Cell = r[idx.p95] ?? '';
    return {
      name: r[idx.name] ?? '',
      requests: num(idx.requests, COLUMNS.requests),
      failures: num(idx.failures, COLUMNS.failures),
      medianMs: num(idx.median, COLUMNS.median),
      p95Ms: p95Cell === 'N/A' ? null : num(idx.p95, COLUMNS.p95),
      averageMs: num(idx.average, COLUMNS.average),
      maxMs: num(idx.max, COLUMNS.max),
      requestsPerS: num(idx.rps, COLUMNS.rps),
    };
  });
  // Locust writes the Aggregated row last (a workflow could be named so too).
  const aggregated = entries[entries.length - 1];
  if (aggregated === undefined || aggregated.name !== 'Aggregated') throw new LoadRunError(`${file}: no "Aggregated" row at the end`);
  return { workflows: entries.slice(0, -1), aggregated };
}

/** The summary as a Markdown table. */
export function summaryMarkdown(summary: LoadSummary): string {
  const ms = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(0));
  const line = (s: RequestStats): string =>
    `| ${s.name} | ${s.requests} | ${s.failures} | ${ms(s.medianMs)} | ${ms(s.p95Ms)} | ${ms(s.averageMs)} | ${ms(s.maxMs)} | ${s.requestsPerS.toFixed(2)} |`;
  return [
    '| workflow | requests | failures | median ms | p95 ms | mean ms | max ms | req/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...summary.workflows.map(line),
    line(summary.aggregated),
    '',
  ].join('\n');
}
