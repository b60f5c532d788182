// What a log line and a choice need to know of a WebGPU adapter.

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU rasteriser (SwiftShader, llvmpipe, lavapipe, WARP): correct, but no speed. */
  software: boolean;
}

/** The fields of GPUAdapterInfo this project reads (Dawn also sets isFallbackAdapter). */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|warp/i;

export function summarizeAdapter(info: AdapterInfoLike): AdapterSummary {
  const s = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
  };
  const software = info.isFallbackAdapter === true || SOFTWARE.test(`${s.vendor} ${s.architecture} ${s.device} ${s.description}`);
  return { ...s, software };
}

/** "vendor google, architecture swiftshader (SwiftShader Device (Subzero), SwiftShader driver 5.0.0), software" (no
 * semicolon: the backend choice joins its reasons with them). */
export function describeAdapter(a: AdapterSummary): string {
  const names = [a.device, a.description].filter((x) => x !== '').join(', ');
  return `vendor ${a.vendor || '?'}, architecture ${a.architecture || '?'}${names ? ` (${names})` : ''}${a.software ? ', software' : ''}`;
}
