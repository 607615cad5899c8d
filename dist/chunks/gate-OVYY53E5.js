import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-KKMBNISL.js";import"./chunk-4CDLFZ6W.js";import"./chunk-WSLCKM7U.js";export{e as describeSigners,a as readKeylessSigners,b as readSigners,c as verifyDigest,d as whyNotVerified};
