import type { ARCHS, BACKENDS, DATASETS, METHODS, SCHEDULES } from './config-schema.js';

export type Backend = (typeof BACKENDS)[number];
export type Arch = (typeof ARCHS)[number];
export type Dataset = (typeof DATASETS)[number];
export type Method = (typeof METHODS)[number];
export type Schedule = (typeof SCHEDULES)[number];
