/**
 * A small Nelder–Mead minimiser (reflection 1, expansion 2, contraction ½, shrink ½)
 * with restarts from the best point until a restart no longer improves. Used to fit the
 * lifetime-value models by maximum likelihood on log-parameters.
 */

/** The result of {@link minimise}. */
export interface MinimiseResult {
  readonly x: number[];
  readonly value: number;
  readonly evaluations: number;
}

function nmOnce(f: (x: readonly number[]) => number, start: readonly number[], step: number, tol: number, maxEval: number): MinimiseResult {
  const n = start.length;
  const pts: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const p = start.slice();
    p[i] = (p[i] as number) + step;
    pts.push(p);
  }
  const val = (x: number[]): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let fs = pts.map(val);
  let evals = n + 1;
  const idx = pts.map((_, i) => i);
  while (evals < maxEval) {
    idx.sort((a, b) => (fs[a] as number) - (fs[b] as number));
    const ordered = idx.map((i) => pts[i] as number[]);
    const ofs = idx.map((i) => fs[i] as number);
    for (let i = 0; i <= n; i++) {
      pts[i] = ordered[i] as number[];
      fs[i] = ofs[i] as number;
      idx[i] = i;
    }
    const best = fs[0] as number;
    const worst = fs[n] as number;
    if (Math.abs(worst - best) <= tol * (Math.abs(best) + tol)) {
      let spread = 0;
      for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) spread = Math.max(spread, Math.abs((pts[i] as number[])[j]! - (pts[0] as number[])[j]!));
      if (spread < 1e-10) break;
      if (Math.abs(worst - best) === 0) break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += (pts[i] as number[])[j]! / n;
    const worstPt = pts[n] as number[];
    const along = (t: number) => centroid.map((c, j) => c + t * (c - worstPt[j]!));
    const xr = along(1);
    const fr = val(xr);
    evals++;
    if (fr < best) {
      const xe = along(2);
      const fe = val(xe);
      evals++;
      if (fe < fr) {
        pts[n] = xe;
        fs[n] = fe;
      } else {
        pts[n] = xr;
        fs[n] = fr;
      }
    } else if (fr < (fs[n - 1] as number)) {
      pts[n] = xr;
      fs[n] = fr;
    } else {
      const outside = fr < worst;
      const xc = along(outside ? 0.5 : -0.5);
      const fc = val(xc);
      evals++;
      if (fc < (outside ? fr : worst)) {
        pts[n] = xc;
        fs[n] = fc;
      } else {
        const b = pts[0] as number[];
        for (let i = 1; i <= n; i++) {
          pts[i] = (pts[i] as number[]).map((x, j) => b[j]! + 0.5 * (x - b[j]!));
          fs[i] = val(pts[i] as number[]);
          evals++;
        }
      }
    }
  }
  let bi = 0;
  for (let i = 1; i <= n; i++) if ((fs[i] as number) < (fs[bi] as number)) bi = i;
  fs = fs.slice();
  return { x: (pts[bi] as number[]).slice(), value: fs[bi] as number, evaluations: evals };
}

/**
 * Minimises `f` from `start` with Nelder–Mead, restarting from the best point (with a
 * smaller simplex) until a restart improves the value by less than `tolerance` relative.
 *
 * @example
 * ```ts
 * import { minimise } from "storekeep/src/crm/minimise"; // internal
 * const r = minimise(([x = 0, y = 0]) => (x - 1) ** 2 + (y + 2) ** 2, [0, 0]);
 * console.log(r.x.map((v) => v.toFixed(6))); // ["1.000000", "-2.000000"]
 * ```
 */
export function minimise(f: (x: readonly number[]) => number, start: readonly number[], options: { readonly tolerance?: number; readonly maxEvaluations?: number } = {}): MinimiseResult {
  const tol = options.tolerance ?? 1e-14;
  const maxEval = options.maxEvaluations ?? 20000;
  let res = nmOnce(f, start, 0.5, tol, maxEval);
  let evaluations = res.evaluations;
  for (let restart = 0; restart < 20 && evaluations < maxEval; restart++) {
    const next = nmOnce(f, res.x, restart < 2 ? 0.1 : 0.01, tol, maxEval - evaluations);
    evaluations += next.evaluations;
    const improved = res.value - next.value > tol * (Math.abs(res.value) + tol);
    if (next.value <= res.value) res = next;
    if (!improved) break;
  }
  return { x: res.x, value: res.value, evaluations };
}
