import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-BRUOJWIC.js";import"./chunk-2H7TT5SG.js";import"./chunk-IY44ZWH5.js";import"./chunk-7QWCK2WV.js";import"./chunk-FKKIB6FF.js";import"./chunk-4CDLFZ6W.js";import"./chunk-JEIU7ZNQ.js";import"./chunk-HKR7KIMT.js";import"./chunk-FUVBQD55.js";import"./chunk-WSLCKM7U.js";export{b as auditBuilds,a as describeFinding,c as leakError};
