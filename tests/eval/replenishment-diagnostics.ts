/**
 * `npx tsx tests/eval/replenishment-diagnostics.ts`: why the forecast-driven policy of
 * `eval:replenishment` misses its fill rate, per SKU, with the eval's setup (13-week warm-up,
 * 2-week lead time, 95% fill rate, Q = max(EOQ, one week's demand)). Prints JSON:
 * - at every replayed week, the policy's 2-week forecast f·L against the next two weeks'
 *   demand: the σ it plans under the one-step rule (σ₁·√L, root mean square over the weeks),
 *   the out-of-sample root mean square error it really had, their ratio, and the mean error
 *   (bias: positive when demand ran above the forecast);
 * - under each rule (`one-step` and `rolling-origin`), the fill rate and the units lost, by
 *   week, in a launch's first L weeks (no order can arrive sooner), in the first L replayed
 *   weeks (initial stock only) and elsewhere;
 * - the fill-rate reorder point on demand it models exactly (independent gamma weeks with known
 *   mean and σ, 50,000 weeks, seeded): the fill rate it then serves, to tell a formula that
 *   under-delivers from a lead-time demand that is misjudged.
 * Exits 2 when the data is missing.
 */
import { autoForecast } from "../../src/replenishment/forecast/index.js";
import { reorderPointForFillRate } from "../../src/replenishment/safety-stock.js";
import { forecastDrivenPolicy, simulateReplenishment } from "../../src/replenishment/simulate.js";
import { capOutliers } from "../../src/replenishment/outliers.js";
import { readWeeklySkuDemand } from "./online-retail.js";

const TARGET_FILL_RATE = 0.95;
const LEAD_TIME_WEEKS = 2;
const WARMUP_WEEKS = 13;
const ORDER_COST = 20;
const HOLDING_RATE_PER_YEAR = 0.25;
const RULES = ["one-step", "rolling-origin"] as const;

/** What the policy forecasts at the end of week t: the level and the one-step residual σ of its (capped) history from the first sale. */
function policyForecast(demand: readonly number[], t: number): { level: number; sigmaOneStep: number; model: string } | undefined {
  const first = demand.findIndex((v, i) => i <= t && v > 0);
  if (first < 0) return undefined;
  const history = capOutliers(demand.slice(first, t + 1));
  const f = autoForecast(history, { h: 1, levels: [] });
  let ss = 0;
  let n = 0;
  for (let i = 0; i < history.length; i++) {
    const fit = f.fitted[i] as number;
    if (!Number.isNaN(fit)) {
      ss += ((history[i] as number) - fit) ** 2;
      n++;
    }
  }
  const mean = history.reduce((a, v) => a + v, 0) / history.length;
  const sigmaOneStep = n > 1 ? Math.sqrt(ss / n) : history.length > 1 ? Math.sqrt(history.reduce((a, v) => a + (v - mean) ** 2, 0) / (history.length - 1)) : 0;
  return { level: Math.max(0, f.mean[0] as number), sigmaOneStep, model: f.model };
}

/** Replays one SKU under the policy, week by week, and sorts the lost units by cause. */
function replay(demand: readonly number[], unitCost: number, rule: (typeof RULES)[number]) {
  const holdingPerUnitYear = unitCost * HOLDING_RATE_PER_YEAR;
  const orderQuantityFor = (weekly: number) => Math.max(1, Math.round(Math.max(Math.sqrt((2 * weekly * 52 * ORDER_COST) / holdingPerUnitYear), weekly)));
  const policy = forecastDrivenPolicy({ fillRate: TARGET_FILL_RATE, leadTimePeriods: LEAD_TIME_WEEKS, orderQuantity: orderQuantityFor, forecastError: rule });
  let onHand = Math.round(policy({ period: WARMUP_WEEKS - 1, history: demand.slice(0, WARMUP_WEEKS), onHand: 0, onOrder: 0 }));
  let onOrder = 0;
  const arrivals = new Float64Array(demand.length + LEAD_TIME_WEEKS + 1);
  const firstSale = demand.findIndex((v) => v > 0);
  const lost = { launch: 0, start: 0, other: 0 };
  const lostWeeks: { week: number; demand: number; lost: number }[] = [];
  let demanded = 0;
  for (let t = WARMUP_WEEKS; t < demand.length; t++) {
    onHand += arrivals[t] as number;
    onOrder -= arrivals[t] as number;
    const d = demand[t] as number;
    const served = Math.min(onHand, d);
    onHand -= served;
    demanded += d;
    if (served < d) {
      const cause = firstSale >= WARMUP_WEEKS - 1 && t < firstSale + LEAD_TIME_WEEKS ? "launch" : t < WARMUP_WEEKS + LEAD_TIME_WEEKS ? "start" : "other";
      lost[cause] += d - served;
      lostWeeks.push({ week: t, demand: d, lost: d - served });
    }
    const q = Math.max(0, Math.ceil(policy({ period: t, history: demand.slice(0, t + 1), onHand, onOrder }) - 1e-9));
    if (q > 0) {
      onOrder += q;
      arrivals[t + LEAD_TIME_WEEKS] = (arrivals[t + LEAD_TIME_WEEKS] as number) + q;
    }
  }
  return { demanded, lost, lostWeeks };
}

/** Seeded gamma draws (Marsaglia–Tsang on Box–Muller normals from a linear congruential generator). */
function gammaDraws(seed: number, shape: number, scale: number, n: number): number[] {
  let state = seed;
  const uniform = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state + 0.5) / 2147483648;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const draw = (k: number): number => {
    if (k < 1) return draw(k + 1) * uniform() ** (1 / k);
    const d = k - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v ** 3;
      if (Math.log(uniform()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  return Array.from({ length: n }, () => draw(shape) * scale);
}

/** The fill rate the reorder point serves when the lead-time demand's mean and σ are exactly right. */
function formulaCalibration() {
  const rows: { coefficientOfVariation: number; orderQuantityWeeks: number; reorderPoint: number; fillRate: number }[] = [];
  const mean = 100;
  for (const cv of [0.3, 0.6, 1]) {
    for (const weeks of [1, 2, 4]) {
      const demand = gammaDraws(12345, 1 / cv ** 2, mean * cv ** 2, 50_000);
      const q = weeks * mean;
      const rop = reorderPointForFillRate({ fillRate: TARGET_FILL_RATE, orderQuantity: q, meanDemandOverLeadTime: mean * LEAD_TIME_WEEKS, sigmaDemandOverLeadTime: cv * mean * Math.sqrt(LEAD_TIME_WEEKS) }).reorderPoint;
      const r = simulateReplenishment({ demand, warmupPeriods: 1, leadTimePeriods: LEAD_TIME_WEEKS, initialStock: rop + q, unitCost: 1, orderCost: 0, holdingRatePerPeriod: 0 }, (st) => (st.onHand + st.onOrder <= rop ? rop + q - st.onHand - st.onOrder : 0));
      rows.push({ coefficientOfVariation: cv, orderQuantityWeeks: weeks, reorderPoint: rop, fillRate: r.fillRate });
    }
  }
  return rows;
}

function main(): number {
  const data = readWeeklySkuDemand();
  if ("missing" in data) {
    console.error(`replenishment-diagnostics: missing ${data.missing}`);
    return 2;
  }
  const perSku: unknown[] = [];
  const pooled = { squaredErrors: 0, plannedVariance: 0, errors: 0, origins: 0 };
  const totals = Object.fromEntries(RULES.map((r) => [r, { demanded: 0, launch: 0, start: 0, other: 0 }]));
  for (const { sku, demand, unitCost } of data.skus) {
    if (!demand.some((v) => v > 0)) continue;
    let squaredErrors = 0;
    let plannedVariance = 0;
    let errors = 0;
    let origins = 0;
    const models = new Set<string>();
    for (let t = WARMUP_WEEKS - 1; t + LEAD_TIME_WEEKS < demand.length; t++) {
      const f = policyForecast(demand, t);
      if (!f) continue;
      models.add(f.model);
      let actual = 0;
      for (let j = 1; j <= LEAD_TIME_WEEKS; j++) actual += demand[t + j] as number;
      const error = actual - f.level * LEAD_TIME_WEEKS;
      squaredErrors += error * error;
      plannedVariance += f.sigmaOneStep ** 2 * LEAD_TIME_WEEKS;
      errors += error;
      origins++;
    }
    pooled.squaredErrors += squaredErrors;
    pooled.plannedVariance += plannedVariance;
    pooled.errors += errors;
    pooled.origins += origins;
    const rules = Object.fromEntries(
      RULES.map((rule) => {
        const r = replay(demand, unitCost, rule);
        const total = totals[rule] as { demanded: number; launch: number; start: number; other: number };
        total.demanded += r.demanded;
        total.launch += r.lost.launch;
        total.start += r.lost.start;
        total.other += r.lost.other;
        const lostUnits = r.lost.launch + r.lost.start + r.lost.other;
        return [rule, { fillRate: r.demanded > 0 ? 1 - lostUnits / r.demanded : 1, lostUnits: r.lost, lostWeeks: r.lostWeeks }];
      }),
    );
    const plannedSigma = origins > 0 ? Math.sqrt(plannedVariance / origins) : 0;
    const outOfSampleRmse = origins > 0 ? Math.sqrt(squaredErrors / origins) : 0;
    perSku.push({ sku, models: [...models], origins, plannedSigmaOneStepTimesRootL: plannedSigma, outOfSampleRmseOfTheLeadTimeForecast: outOfSampleRmse, ratio: plannedSigma > 0 ? outOfSampleRmse / plannedSigma : null, meanError: origins > 0 ? errors / origins : 0, rules });
  }
  const summary = Object.fromEntries(
    RULES.map((rule) => {
      const t = totals[rule] as { demanded: number; launch: number; start: number; other: number };
      return [rule, { fillRate: 1 - (t.launch + t.start + t.other) / t.demanded, lostUnits: { launch: t.launch, start: t.start, other: t.other } }];
    }),
  );
  const report = {
    setup: { targetFillRate: TARGET_FILL_RATE, leadTimeWeeks: LEAD_TIME_WEEKS, warmupWeeks: WARMUP_WEEKS },
    leadTimeForecast: { origins: pooled.origins, pooledRatioOfOutOfSampleRmseToPlannedSigma: Math.sqrt(pooled.squaredErrors / pooled.plannedVariance), meanError: pooled.errors / pooled.origins },
    summary,
    formulaCalibration: formulaCalibration(),
    perSku,
  };
  console.log(JSON.stringify(report, null, 2));
  return 0;
}

process.exitCode = main();
