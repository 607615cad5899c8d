import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-25SZCYA3.js";import"./chunk-QFFWR5I4.js";import"./chunk-DMKKNXOV.js";import"./chunk-A56PZYJQ.js";import"./chunk-7QWCK2WV.js";import"./chunk-HUGYQBNX.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-HKR7KIMT.js";import"./chunk-7LQEWDLY.js";import"./chunk-WSLCKM7U.js";export{b as auditBuilds,a as describeFinding,c as leakError};
