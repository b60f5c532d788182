// SAM's ascent step (rwp-method.md section 4): e = rho g / ||g||, or for adaptive SAM
// e = rho T^2 g / ||T g|| with T = |w|; the norm is taken over all parameters together.

export function samPerturbation(w: Float32Array, g: Float32Array, rho: number, adaptive: boolean, e: Float32Array = new Float32Array(g.length)): Float32Array {
  let sq = 0;
  for (let i = 0; i < g.length; i++) {
    const tg = adaptive ? Math.abs(w[i]) * g[i] : g[i];
    sq += tg * tg;
  }
  const scale = rho / (Math.sqrt(sq) + 1e-12);
  for (let i = 0; i < g.length; i++) e[i] = (adaptive ? w[i] * w[i] : 1) * g[i] * scale;
  return e;
}

/** SAM's ascent weights, out = w + e (e rounded to float first): the addon's samAscent gives the same bits. */
export function samAscentWeights(w: Float32Array, g: Float32Array, rho: number, adaptive: boolean, out: Float32Array): Float32Array {
  samPerturbation(w, g, rho, adaptive, out);
  for (let i = 0; i < out.length; i++) out[i] += w[i];
  return out;
}
