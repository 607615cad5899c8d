/** The platform contract lives in core/ (secrets/ wraps it, every stage takes it); the adapters here implement it. */
export type { Annotation, CiContext, Platform } from '../core/platform.js';
