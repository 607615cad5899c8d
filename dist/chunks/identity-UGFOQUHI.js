import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c,d,e,f}from"./chunk-FGO2X4CK.js";import"./chunk-WSLCKM7U.js";export{a as CLI_NAMES,f as describePolicy,c as identityGiven,d as identityPolicy,e as judgeIdentity,b as slashed};
