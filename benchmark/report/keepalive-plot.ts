import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { KeepaliveReport } from '../keepalive-bench';

/** A policy's family: the part before `@` (risk levels of one policy), or `fixed` for `fixed-<minutes>`. */
export function policyFamily(name: string): string {
  if (name.startsWith('fixed-')) return 'fixed keep-alive';
  const at = name.indexOf('@');
  return at < 0 ? name : name.slice(0, at);
}

/** The Vega-Lite spec of the cold-start vs idle-memory plot: one point per policy, a line through each family. */
export function keepalivePlotSpec(report: KeepaliveReport): vegaLite.TopLevelSpec {
  const values = report.policies.map((p) => ({
    policy: p.name,
    family: policyFamily(p.name),
    idleMemoryGBs: p.idleMemoryGBs,
    coldStartRatePct: p.coldStartRate * 100,
  }));
  const x = { field: 'idleMemoryGBs', type: 'quantitative' as const, title: 'idle memory (GB-s)', scale: { zero: true } };
  const y = { field: 'coldStartRatePct', type: 'quantitative' as const, title: 'cold-start rate (%)', scale: { zero: true } };
  const color = { field: 'family', type: 'nominal' as const, title: 'policy' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Cold starts vs idle memory (${report.trace.functions} functions, seed ${report.seed})`,
    width: 560,
    height: 360,
    data: { values },
    layer: [
      { mark: { type: 'line', opacity: 0.6 }, encoding: { x, y, color, order: { field: 'idleMemoryGBs', type: 'quantitative' } } },
      { mark: { type: 'point', filled: true, size: 80 }, encoding: { x, y, color } },
      { mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10 }, encoding: { x, y, text: { field: 'policy' } } },
    ],
  };
}

/** Renders the plot to an SVG string with Vega's headless renderer (no browser, no canvas). */
export async function keepalivePlotSvg(report: KeepaliveReport): Promise<string> {
  const compiled = vegaLite.compile(keepalivePlotSpec(report)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
