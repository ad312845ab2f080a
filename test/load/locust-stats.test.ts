import { LoadRunError } from '../../src/load/load-errors';
import { parseCsv, parseLocustStats, summaryMarkdown } from '../../src/load/locust-stats';

/** A `locust_stats.csv` as locust 2.12 writes it. */
const STATS = `Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
POST,ml-inference,8,1,64,70.5,55.2,130.1,512.0,0.8,0.1,64,70,75,80,100,130,130,130,130,130,130
POST,social-network,0,0,0,0.0,0,0,0.0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A
,Aggregated,8,1,64,70.5,55.2,130.1,512.0,0.8,0.1,64,70,75,80,100,130,130,130,130,130,130
`;

describe('parseLocustStats', () => {
  it('reads requests, failures, median and p95 per workflow and aggregated', () => {
    const s = parseLocustStats(STATS, 'out/locust_stats.csv');
    expect(s.aggregated).toEqual({ name: 'Aggregated', requests: 8, failures: 1, medianMs: 64, p95Ms: 130, averageMs: 70.5, maxMs: 130.1, requestsPerS: 0.8 });
    expect(s.workflows.map((w) => [w.name, w.requests, w.failures, w.p95Ms])).toEqual([
      ['ml-inference', 8, 1, 130],
      ['social-network', 0, 0, null],
    ]);
    expect(summaryMarkdown(s)).toContain('| Aggregated | 8 | 1 | 64 | 130 |');
  });

  it.each([
    ['', /empty/],
    ['Type,Name\n,Aggregated\n', /no "Request Count" column/],
    [STATS.split('\n').slice(0, 3).join('\n'), /no "Aggregated" row/],
    [STATS.replace('POST,ml-inference,8', 'POST,ml-inference,eight'), /locust_stats.csv:2: Request Count is not a number: "eight"/],
  ])('rejects a broken file (%#)', (text, message) => {
    expect(() => parseLocustStats(text, 'locust_stats.csv')).toThrow(LoadRunError);
    expect(() => parseLocustStats(text, 'locust_stats.csv')).toThrow(message);
  });

  it('splits quoted CSV fields', () => {
    expect(parseCsv('a,"b,c","d ""e"""\r\nf,,\n')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['f', '', ''],
    ]);
  });
});
