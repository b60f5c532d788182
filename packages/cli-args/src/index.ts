export { keyValue, port, positiveNumber, wholeNumber } from './value-parsers.js';
