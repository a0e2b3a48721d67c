/**
 * Nelder–Mead minimiser following R's `nmmin` (src/appl/optim.c), which R's `ets()`
 * uses: reflection 1, contraction 0.5, expansion 2, relative tolerance on the simplex's
 * function values, initial simplex step 10% of the largest |parameter|. Following the
 * same steps makes our optimiser land where R's does, not just somewhere as good.
 */

const BIG = 1.0e35;

export interface NelderMeadResult {
  readonly par: number[];
  readonly value: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

export interface NelderMeadOptions {
  readonly maxEvaluations?: number;
  readonly relativeTolerance?: number;
}

export function nelderMead(fn: (par: Float64Array) => number, start: readonly number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const maxit = options.maxEvaluations ?? 2000;
  const intol = options.relativeTolerance ?? Math.sqrt(Number.EPSILON);
  const n = start.length;
  const n1 = n + 1;
  const bvec = Float64Array.from(start);
  // P[i][j]: i = coordinate (row n holds the function value), j = vertex (column n1 is the centroid).
  const P: Float64Array[] = [];
  for (let i = 0; i <= n; i++) P.push(new Float64Array(n + 2));
  const evaluate = (v: Float64Array): number => {
    const f = fn(v);
    return Number.isFinite(f) ? f : BIG;
  };
  let f = evaluate(bvec);
  let funcount = 1;
  const convtol = intol * (Math.abs(f) + intol);
  const row = (i: number) => P[i] as Float64Array;
  row(n)[0] = f;
  for (let i = 0; i < n; i++) row(i)[0] = bvec[i] as number;
  let L = 1;
  let step = 0;
  for (let i = 0; i < n; i++) if (0.1 * Math.abs(bvec[i] as number) > step) step = 0.1 * Math.abs(bvec[i] as number);
  if (step === 0) step = 0.1;
  let size = 0;
  for (let j = 2; j <= n1; j++) {
    for (let i = 0; i < n; i++) row(i)[j - 1] = bvec[i] as number;
    let trystep = step;
    while (row(j - 2)[j - 1] === bvec[j - 2]) {
      row(j - 2)[j - 1] = (bvec[j - 2] as number) + trystep;
      trystep *= 10;
    }
    size += trystep;
  }
  let oldsize = size;
  let calcvert = true;
  const C = n + 2;
  let converged = false;
  for (;;) {
    if (calcvert) {
      for (let j = 0; j < n1; j++) {
        if (j + 1 !== L) {
          for (let i = 0; i < n; i++) bvec[i] = row(i)[j] as number;
          row(n)[j] = evaluate(bvec);
          funcount++;
        }
      }
      calcvert = false;
    }
    let VL = row(n)[L - 1] as number;
    let VH = VL;
    let H = L;
    for (let j = 1; j <= n1; j++) {
      if (j !== L) {
        const fj = row(n)[j - 1] as number;
        if (fj < VL) {
          L = j;
          VL = fj;
        }
        if (fj > VH) {
          H = j;
          VH = fj;
        }
      }
    }
    if (VH <= VL + convtol) {
      converged = true;
      break;
    }
    for (let i = 0; i < n; i++) {
      let temp = -(row(i)[H - 1] as number);
      for (let j = 0; j < n1; j++) temp += row(i)[j] as number;
      row(i)[C - 1] = temp / n;
    }
    for (let i = 0; i < n; i++) bvec[i] = 2 * (row(i)[C - 1] as number) - (row(i)[H - 1] as number);
    f = evaluate(bvec);
    funcount++;
    const VR = f;
    if (VR < VL) {
      row(n)[C - 1] = f;
      for (let i = 0; i < n; i++) {
        const g = 2 * (bvec[i] as number) - (row(i)[C - 1] as number);
        row(i)[C - 1] = bvec[i] as number;
        bvec[i] = g;
      }
      f = evaluate(bvec);
      funcount++;
      if (f < VR) {
        for (let i = 0; i < n; i++) row(i)[H - 1] = bvec[i] as number;
        row(n)[H - 1] = f;
      } else {
        for (let i = 0; i < n; i++) row(i)[H - 1] = row(i)[C - 1] as number;
        row(n)[H - 1] = VR;
      }
    } else {
      if (VR < VH) {
        for (let i = 0; i < n; i++) row(i)[H - 1] = bvec[i] as number;
        row(n)[H - 1] = VR;
      }
      for (let i = 0; i < n; i++) bvec[i] = 0.5 * (row(i)[H - 1] as number) + 0.5 * (row(i)[C - 1] as number);
      f = evaluate(bvec);
      funcount++;
      if (f < (row(n)[H - 1] as number)) {
        for (let i = 0; i < n; i++) row(i)[H - 1] = bvec[i] as number;
        row(n)[H - 1] = f;
      } else if (VR >= VH) {
        calcvert = true;
        size = 0;
        for (let j = 0; j < n1; j++) {
          if (j + 1 !== L) {
            for (let i = 0; i < n; i++) {
              row(i)[j] = 0.5 * ((row(i)[j] as number) - (row(i)[L - 1] as number)) + (row(i)[L - 1] as number);
              size += Math.abs((row(i)[j] as number) - (row(i)[L - 1] as number));
            }
          }
        }
        if (size < oldsize) oldsize = size;
        else break;
      }
    }
    if (funcount > maxit) break;
  }
  const par: number[] = [];
  for (let i = 0; i < n; i++) par.push(row(i)[L - 1] as number);
  return { par, value: row(n)[L - 1] as number, evaluations: funcount, converged };
}
