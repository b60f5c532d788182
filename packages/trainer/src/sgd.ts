// PyTorch SGD: coupled weight decay, momentum with dampening 0, no Nesterov.
//   g <- g + wd * w;  buf <- momentum * buf + g (buf = g on the first step);  w <- w - lr * buf

export interface SgdHyper {
  lr: number;
  momentum: number;
  weightDecay: number;
}

/** One SGD step in place on flat arrays. `first` marks the step where PyTorch sets buf = g. */
export function sgdUpdate(w: Float32Array, g: Float32Array, buf: Float32Array, h: SgdHyper, first: boolean): void {
  const { lr, momentum, weightDecay } = h;
  if (w.length !== g.length || w.length !== buf.length) throw new RangeError('sgdUpdate: length mismatch');
  for (let i = 0; i < w.length; i++) {
    const d = g[i] + weightDecay * w[i];
    let b: number;
    if (momentum === 0) b = d;
    else b = buf[i] = first ? d : momentum * buf[i] + d;
    w[i] -= lr * b;
  }
}
