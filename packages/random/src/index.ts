export { RandomStream, streamFor } from './stream.js';
