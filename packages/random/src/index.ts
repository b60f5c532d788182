export { RandomStream, streamFor, type NormalKernel, type ZigguratTables } from './stream.js';
export { portableExp, portableLog } from './portable-math.js';
