/** The confinement rule lives with the inputs it checks first (`inputs/confine.ts`); the build pipeline still names it here. */
export { confineSource, workspaceConfinement } from '../inputs/confine.js';
