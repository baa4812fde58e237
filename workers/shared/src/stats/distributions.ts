/**
 * Distribution functions behind the experiment statistics (A6): log-gamma and gamma ratios, the
 * regularized incomplete gamma function, the standard normal CDF and quantile, the chi-square tail.
 * Plain double-precision arithmetic, no tables; every function is accurate far beyond what the
 * results page shows (the tests hold them to published values at 1e-9 or better).
 */

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const EPSILON = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

/**
 * Stirling's series for ln Γ(x) − [(x − ½) ln x − x + ln √(2π)] with Bernoulli terms up to x⁻¹³:
 * truncation error below 1e-16 for x ≥ 10.
 */
function stirlingSeries(x: number): number {
  const inverse = 1 / x;
  const inverseSquared = inverse * inverse;
  return (
    inverse *
    (1 / 12 +
      inverseSquared *
        (-1 / 360 +
          inverseSquared *
            (1 / 1260 + inverseSquared * (-1 / 1680 + inverseSquared * (1 / 1188 + inverseSquared * (-691 / 360360 + inverseSquared / 156))))))
  );
}

/** ln Γ(x) for x > 0: Stirling's series after raising x to ≥ 10 by Γ(x + 1) = xΓ(x). */
export function logGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`logGamma needs a finite x > 0, got ${x}`);
  let product = 1;
  while (x < 10) {
    product *= x;
    x += 1;
  }
  return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingSeries(x) - Math.log(product);
}

/**
 * ln(Γ(x + h) / Γ(x)) for x > 0, h ≥ 0. For large x the difference of two ln Γ values would lose
 * ~log10(ln Γ(x)) digits; expanding both Stirling forms keeps it to the size of the result.
 */
export function logGammaRatio(x: number, h: number): number {
  if (!(x > 0) || !Number.isFinite(x) || !(h >= 0) || !Number.isFinite(h)) {
    throw new RangeError(`logGammaRatio needs finite x > 0 and h ≥ 0, got ${x}, ${h}`);
  }
  if (x < 10) return logGamma(x + h) - logGamma(x);
  return (x - 0.5) * Math.log1p(h / x) + h * Math.log(x + h) - h + stirlingSeries(x + h) - stirlingSeries(x);
}

/** e^(−x) x^a / Γ(a): the common factor of both incomplete-gamma expansions. */
function gammaPrefactor(a: number, x: number): number {
  return Math.exp(a * Math.log(x) - x - logGamma(a));
}

/** P(a, x) by its power series; converges quickly for x < a + 1. */
function lowerGammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * gammaPrefactor(a, x);
}

/** Q(a, x) by its continued fraction (modified Lentz); converges quickly for x ≥ a + 1. */
function upperGammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let fraction = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    fraction *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return fraction * gammaPrefactor(a, x);
}

/** The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), for a > 0, x ≥ 0. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !Number.isFinite(a)) throw new RangeError(`regularizedGammaQ needs a finite a > 0, got ${a}`);
  if (Number.isNaN(x) || x < 0) throw new RangeError(`regularizedGammaQ needs x ≥ 0, got ${x}`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerGammaSeries(a, x) : upperGammaContinuedFraction(a, x);
}

/**
 * erfc(t) = Q(1/2, t²) for t ≥ 0 (and 2 − erfc(−t) below 0). Keeps full relative precision in
 * the far tail, where 1 − erf(t) would cancel to 0.
 */
function erfc(t: number): number {
  if (t >= 0) return regularizedGammaQ(0.5, t * t);
  return 2 - regularizedGammaQ(0.5, t * t);
}

/** Φ(z), the standard normal CDF; relative error ~1e-15 in both tails. Φ(±∞) = 1 or 0. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) throw new RangeError("normalCdf needs a number, got NaN");
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  return 0.5 * erfc(-z / Math.SQRT2);
}

// Acklam's rational approximation to Φ⁻¹ (relative error 1.15e-9), refined below by Halley steps.
const ACKLAM_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const ACKLAM_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const ACKLAM_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const ACKLAM_LOW = 0.02425;

function polynomial(coefficients: readonly number[], x: number): number {
  let value = 0;
  for (const coefficient of coefficients) value = value * x + coefficient;
  return value;
}

/** Acklam's approximation for 0 < p ≤ 1/2. */
function acklamLowerHalf(p: number): number {
  if (p < ACKLAM_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return polynomial(ACKLAM_C, q) / (polynomial(ACKLAM_D, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (polynomial(ACKLAM_A, r) * q) / (polynomial(ACKLAM_B, r) * r + 1);
}

/**
 * Φ⁻¹(p), the standard normal quantile: Acklam's approximation, then Halley steps against
 * normalCdf, to ~1e-15. Φ⁻¹(0) = −∞, Φ⁻¹(1) = ∞. Upper half by symmetry: 1 − p is exact there.
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) throw new RangeError(`normalQuantile needs 0 ≤ p ≤ 1, got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p);
  let x = acklamLowerHalf(p);
  for (let step = 0; step < 3; step++) {
    const error = normalCdf(x) - p;
    const u = error * SQRT_2PI * Math.exp((x * x) / 2);
    if (!Number.isFinite(u)) break;
    const next = x - u / (1 + (x * u) / 2);
    if (next === x) break;
    x = next;
  }
  return x;
}

/**
 * Upper tail P(X ≥ x) of the chi-square distribution with `df` degrees of freedom:
 * Q(df/2, x/2). Any x ≤ 0 gives 1.
 */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0) || !Number.isFinite(df)) throw new RangeError(`chiSquareSurvival needs a finite df > 0, got ${df}`);
  if (Number.isNaN(x)) throw new RangeError("chiSquareSurvival needs a number x, got NaN");
  if (x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}
