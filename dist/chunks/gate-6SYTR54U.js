import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-5COYO75I.js";import"./chunk-7WWOJHMN.js";export{d as describeSigners,a as readSigners,b as verifyDigest,c as whyNotVerified};
