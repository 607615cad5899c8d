import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-NR62FKGN.js";import"./chunk-WSLCKM7U.js";export{d as describeSigners,a as readSigners,b as verifyDigest,c as whyNotVerified};
