import { createRequire as __hoistCreateRequire } from 'node:module';
const require = __hoistCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-SGN4XKJZ.js";import"./chunk-SXGBUPGB.js";import"./chunk-IBKPVGML.js";import"./chunk-7QWCK2WV.js";import"./chunk-4CDLFZ6W.js";import"./chunk-HKR7KIMT.js";import"./chunk-FKKIB6FF.js";import"./chunk-BW5MAXUW.js";import"./chunk-FUVBQD55.js";import"./chunk-WSLCKM7U.js";export{c as auditBuilds,b as describeFinding,d as leakError,a as streamedAudits};
