/** A minimal build plan for argv table tests; each case adds what it tests. */
import type { BuildPlan } from '../../src/core/builder.js';

export const basePlan: BuildPlan = {
  context: '/ws',
  file: '/ws/Dockerfile',
  target: undefined,
  buildArgs: [],
  labels: [],
  annotations: [],
  extras: { shmSize: undefined, ulimits: [], allow: [], noCacheFilters: [], attests: [], call: 'build' },
  network: undefined,
  secretFiles: [],
  ssh: [],
  localTags: [],
  iidFile: '/tmp/iid',
  platforms: [],
  cacheFrom: [],
  cacheTo: [],
  noCache: false,
  pull: false,
  addHosts: [],
  buildContexts: [],
  provenance: 'min',
  sbom: false,
};
