import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { BoReport } from '../bo-bench';

/** The Vega-Lite spec of the convergence plot: median true cost over the optimum of the deployed configuration against invocations spent, one line per method. */
export function boPlotSpec(report: BoReport): vegaLite.TopLevelSpec {
  const values = report.methods.flatMap((m) =>
    m.convergence.filter((p) => Number.isFinite(p.costVsOptimum)).map((p) => ({ method: m.name, invocations: p.invocations, costPct: (p.costVsOptimum + 1) * 100 })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${report.workflow}, p${report.qos.percentile} <= ${report.qos.targetMs} ms: deployed cost (feasible runs, median over ${report.seeds.length} seeds)`,
    width: 560,
    height: 360,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'invocations', type: 'quantitative', title: 'invocations spent' },
      y: { field: 'costPct', type: 'quantitative', title: 'cost (% of optimum)', scale: { zero: false } },
      color: { field: 'method', type: 'nominal' },
    },
  };
}

/** Renders the convergence plot to SVG (headless Vega). */
export async function boPlotSvg(report: BoReport): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(boPlotSpec(report)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
