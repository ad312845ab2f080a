/**
 * What the resource manager last decided for a workflow, read back from the
 * answers of the `bo-step` activations a live run fired, so the report can
 * say why a search stopped where it did.
 */

/** The last decision (probe, converged or stopped) a `bo-step` answer in `results` gave for `workflow`, as "kind: why"; null when none did. Answers that decided nothing (a waiting window, a skipped tick, an error) are passed over. */
export function lastBoStepDecision(results: readonly unknown[], workflow: string): string | null {
  for (let i = results.length - 1; i >= 0; i--) {
    const r = results[i];
    if (typeof r !== 'object' || r === null || !('workflow' in r) || r.workflow !== workflow || !('decision' in r)) continue;
    const d = r.decision;
    if (typeof d !== 'object' || d === null || !('kind' in d) || !('why' in d)) continue;
    const { kind, why } = d;
    if (typeof kind !== 'string' || typeof why !== 'string' || kind === 'waiting') continue;
    return `${kind}: ${why}`;
  }
  return null;
}
