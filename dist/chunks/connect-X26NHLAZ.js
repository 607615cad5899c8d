import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-E23SXCL4.js";import"./chunk-5RN3X2YR.js";import"./chunk-YMGAWHCI.js";import"./chunk-C4QFCQTX.js";import"./chunk-CM3DPYOW.js";import"./chunk-HGM6SJI4.js";import"./chunk-7WWOJHMN.js";export{a as clientOptions,d as closeAll,c as connectBases,b as connectRegistries};
