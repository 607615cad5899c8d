import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-7PTHXQ3R.js";import"./chunk-FKKIB6FF.js";import"./chunk-5YDDMQC6.js";import"./chunk-DVX6TJ5H.js";import"./chunk-7QWCK2WV.js";import"./chunk-4CDLFZ6W.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-HKR7KIMT.js";import"./chunk-7LQEWDLY.js";import"./chunk-WSLCKM7U.js";export{b as auditBuilds,a as describeFinding,c as leakError};
